// The layers of provider/ are kept apart by a lint rule, not by habit: a
// file of the client layer that imports the Pulumi layer fails `npm run
// lint`, as do the other arrows the rule forbids. Shown on a copy of the
// sources with deliberate violations, linted with the repository's own config.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/packed";

let copy: string;
beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-layers-"));
  for (const entry of ["eslint.config.mjs", "tsconfig.json", "package.json", "provider"])
    fs.cpSync(path.join(REPO, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(copy, "node_modules"));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(copy, file), text);
  write("provider/client/violation.ts", 'import { lookupTurnKey } from "../pulumi/functions";\nexport const viaPulumi = lookupTurnKey;\n');
  write("provider/client/sdk.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const sdk = pulumi.getStack;\n');
  write("provider/core/violation.ts", 'import { RequestLimiter } from "../client/limits";\nexport const limiter = RequestLimiter;\n');
  write("provider/pulumi/violation.ts", 'import { Caller } from "../client/flight";\nexport const caller = Caller;\n');
  write("provider/pulumi/allowed.ts", 'import { createTurnKeyClient } from "../client";\nexport const client = createTurnKeyClient;\n');
  write("provider/plugin/violation.ts", 'import { lookupTurnKey } from "../pulumi/functions";\nexport const viaPulumi = lookupTurnKey;\n');
  write("provider/plugin/internals.ts", 'import { Caller } from "../client/flight";\nexport const caller = Caller;\n');
  write("provider/plugin/sdk.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const sdk = pulumi.getStack;\n');
  write("provider/plugin/stubs.ts", 'import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";\nexport const info = PluginInfo;\n');
  write("provider/engine/violation.ts", 'import { PLUGIN_NAMES } from "../plugin/config";\nexport const names = PLUGIN_NAMES;\n');
  write("provider/engine/sdk.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const sdk = pulumi.getStack;\n');
  write("provider/client/engine.ts", 'import { EngineLog } from "../engine/log";\nexport const log = EngineLog;\n');
  // A cycle through three modules of core, as settings.ts, names.ts and types.ts once made.
  write("provider/core/cycleA.ts", 'import { b } from "./cycleB";\nexport const a = (): number => b() + 1;\n');
  write("provider/core/cycleB.ts", 'import { c } from "./cycleC";\nexport const b = (): number => c() + 1;\n');
  write("provider/core/cycleC.ts", 'import { a } from "./cycleA";\nexport const c = (): number => (Math.random() > 2 ? a() : 0);\n');
}, 60_000);
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

/** The messages of `rule` for `file`. */
async function messages(file: string, rule = "no-restricted-imports"): Promise<string[]> {
  const [result] = await new ESLint({ cwd: copy }).lintFiles([file]);
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}
const restrictedImports = (file: string) => messages(file);

describe("the layer rule in eslint.config.mjs", () => {
  it("fails a client-layer file that imports the Pulumi layer, or the SDK", async () => {
    expect(await restrictedImports("provider/client/violation.ts")).toEqual([
      "'../pulumi/functions' import is restricted from being used by a pattern. provider/client knows nothing of Pulumi: it imports provider/core only.",
    ]);
    expect(await restrictedImports("provider/client/sdk.ts")).toHaveLength(1);
  }, 60_000);

  it("fails a core file that imports the client layer", async () => {
    expect(await restrictedImports("provider/core/violation.ts")).toEqual([
      "'../client/limits' import is restricted from being used by a pattern. provider/core imports no other layer.",
    ]);
  }, 60_000);

  it("lets the Pulumi layer import the client's public API only", async () => {
    expect(await restrictedImports("provider/pulumi/violation.ts")).toEqual([
      "'../client/flight' import is restricted from being used by a pattern. The Pulumi layer uses the client's public API: import from ../client.",
    ]);
    expect(await restrictedImports("provider/pulumi/allowed.ts")).toEqual([]);
  }, 60_000);

  it("keeps the plugin to the client's public API and the SDK's generated stubs", async () => {
    expect(await restrictedImports("provider/plugin/violation.ts")).toEqual([
      "'../pulumi/functions' import is restricted from being used by a pattern. The plugin is a face of its own: it does not use the Pulumi layer.",
    ]);
    expect(await restrictedImports("provider/plugin/internals.ts")).toEqual([
      "'../client/flight' import is restricted from being used by a pattern. The plugin uses the client's public API: import from ../client.",
    ]);
    expect(await restrictedImports("provider/plugin/sdk.ts")).toHaveLength(1);
    expect(await restrictedImports("provider/plugin/stubs.ts")).toEqual([]);
  }, 60_000);

  it("keeps the engine's shared log to the SDK's generated stubs, and out of the client", async () => {
    expect(await restrictedImports("provider/engine/violation.ts")).toEqual([
      "'../plugin/config' import is restricted from being used by a pattern. provider/engine is shared by both faces: it imports no layer of the package.",
    ]);
    expect(await restrictedImports("provider/engine/sdk.ts")).toEqual([
      "'@pulumi/pulumi' import is restricted from being used by a pattern. provider/engine uses the SDK's generated gRPC stubs (@pulumi/pulumi/proto/*) only.",
    ]);
    expect(await restrictedImports("provider/engine/log.ts")).toEqual([]);
    expect(await restrictedImports("provider/client/engine.ts")).toHaveLength(1);
  }, 60_000);
});

describe("the cycle rule in eslint.config.mjs", () => {
  it("fails each module of an import cycle, naming the import that closes it", async () => {
    for (const [file, closing] of [
      ["provider/core/cycleA.ts", "./cycleB"],
      ["provider/core/cycleB.ts", "./cycleC"],
      ["provider/core/cycleC.ts", "./cycleA"],
    ] as const) {
      const found = await messages(file, "import-x/no-cycle");
      expect(found, file).toHaveLength(1);
      expect(found[0], file).toMatch(/^Dependency cycle/);
      expect(await lintedImportOf(file, "import-x/no-cycle"), file).toBe(closing);
    }
  }, 60_000);
});

/** The import specifier on the line where `rule` reported in `file`. */
async function lintedImportOf(file: string, rule: string): Promise<string | undefined> {
  const [result] = await new ESLint({ cwd: copy }).lintFiles([file]);
  const line = result!.messages.find((m) => m.ruleId === rule)?.line;
  const text = fs.readFileSync(path.join(copy, file), "utf8").split("\n")[(line ?? 0) - 1] ?? "";
  return /from "([^"]+)"/.exec(text)?.[1];
}
