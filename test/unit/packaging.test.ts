// What we ship, as users get it: the tarball's files, the examples installed
// from a clone, and every module system and TypeScript resolution users have.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, installPackedAsync, installedPulumiVersion, packedTarball, runCommand } from "../support/packed";

const INSTALL_TIMEOUT = 240_000;
const ENTRIES = {
  "pulumi-cloudflare-turn-lookup": ["TurnKeyLookup", "TurnKeys", "lookupTurnKey", "lookupTurnKeyOutput", "createTurnKeyClient", "TurnKeyAmbiguousError"],
  "pulumi-cloudflare-turn-lookup/client": ["createTurnKeyClient", "getTurnKey", "TurnKeyNotFoundError", "TurnKeyAmbiguousError"],
  "pulumi-cloudflare-turn-lookup/compat": ["getCallsTurnApp", "getCallsTurnAppOutput", "getCallsTurnApps", "getCallsTurnAppsOutput"],
  "pulumi-cloudflare-turn-lookup/emulator": ["startEmulator"],
} as const;

describe("the packed tarball", () => {
  it("holds LICENSE, README.md, package.json and dist/, and no sources or tests", () => {
    const listing = execFileSync("tar", ["-tzf", packedTarball()], { encoding: "utf8" }).trim().split("\n");
    for (const file of [
      "package/LICENSE",
      "package/README.md",
      "package/package.json",
      "package/dist/provider/index.js",
      "package/dist/provider/index.d.ts",
      "package/dist/emulator/cli.js",
    ]) {
      expect(listing).toContain(file);
    }
    // The provider plugin: one folder that the engine runs, bundled, needing only Node.js.
    expect(listing.filter((f) => f.startsWith("package/dist/plugin/")).sort()).toEqual([
      "package/dist/plugin/plugin.js",
      "package/dist/plugin/provider.js",
      "package/dist/plugin/provider.js.LEGAL.txt",
      "package/dist/plugin/pulumi-resource-cloudflare-turn-lookup",
      "package/dist/plugin/pulumi-resource-cloudflare-turn-lookup.cmd",
      "package/dist/plugin/schema.json",
      "package/dist/plugin/server.js",
      "package/dist/plugin/server.js.LEGAL.txt",
    ]);
    const modes = execFileSync("tar", ["-tvzf", packedTarball()], { encoding: "utf8" });
    expect(modes).toMatch(/^-rwxr-xr-x .* package\/dist\/plugin\/pulumi-resource-cloudflare-turn-lookup$/m);
    expect(listing.filter((f) => !f.startsWith("package/dist/") && !["package/LICENSE", "package/README.md", "package/package.json"].includes(f))).toEqual([]);
    expect(listing.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // Every compiled file comes from a source of today: no stale output of a file since moved or removed.
    const compiled = listing.filter((f) => f.endsWith(".js") && !f.startsWith("package/dist/plugin/"));
    const stale = compiled.filter((f) => !fs.existsSync(path.join(REPO, f.replace(/^package\/dist\//, "").replace(/\.js$/, ".ts"))));
    expect(stale).toEqual([]);
  });
});

describe("installed beside this lane's @pulumi/pulumi", () => {
  // Every lane runs this with its own SDK, so that together they cover every version lanes.json pins.
  it.each([installedPulumiVersion()])(
    "npm install of the tarball beside @pulumi/pulumi %s prints no peer-dependency warning",
    async (version) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-peer-"));
      try {
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "peer-check", private: true }));
        const r = await runCommand("npm", ["install", "--no-audit", "--no-fund", "--loglevel=warn", packedTarball(), `@pulumi/pulumi@${version}`], dir);
        expect(r.status, r.output).toBe(0);
        expect(r.output).not.toMatch(/peer|ERESOLVE|conflict/i);
        expect(JSON.parse(fs.readFileSync(path.join(dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version).toBe(version);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    INSTALL_TIMEOUT,
  );
});

describe("the examples, installed from a clone", () => {
  it.each(["quickstart", "wiring"])(
    "npm install works in examples/%s, with one copy of @pulumi/pulumi, and the program type-checks",
    async (example) => {
      // A clone after `npm ci && npm run build`, as far as an example sees it:
      // the package's root (what it installs from ../..) and the example itself.
      const clone = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-clone-"));
      for (const entry of ["package.json", "README.md", "LICENSE", "dist", `examples/${example}`]) {
        fs.cpSync(path.join(REPO, entry), path.join(clone, entry), { recursive: true, filter: (src) => !src.includes("node_modules") });
      }
      const dir = path.join(clone, "examples", example);
      try {
        const install = await runCommand("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], dir);
        expect(install.status, install.output).toBe(0);
        const installed = path.join(dir, "node_modules/pulumi-cloudflare-turn-lookup");
        expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
        expect(fs.existsSync(path.join(installed, "dist/provider/index.js"))).toBe(true);
        expect(fs.existsSync(path.join(installed, "node_modules/@pulumi/pulumi"))).toBe(false);
        expect(await runCommand(path.join(dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", dir], dir)).toEqual({ status: 0, output: "" });
      } finally {
        fs.rmSync(clone, { recursive: true, force: true });
      }
    },
    INSTALL_TIMEOUT,
  );
});

describe("module systems and TypeScript settings", () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-modules-"));
    await installPackedAsync(dir, { typescript: "5.9.3", "@types/node": "^20.19.0" });
  }, INSTALL_TIMEOUT);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const expected = Object.fromEntries(Object.entries(ENTRIES).map(([entry, names]) => [entry, names.map((n) => `${n}:function`)]));
  const probe = (load: string) =>
    Object.entries(ENTRIES)
      .map(
        ([entry, names], i) =>
          `const m${i} = ${load.replace("ENTRY", entry)};\nout[${JSON.stringify(entry)}] = ${JSON.stringify(names)}.map((n) => n + ":" + typeof m${i}[n]);`,
      )
      .join("\n");

  it("a CommonJS program requires the root and every subpath", () => {
    fs.writeFileSync(path.join(dir, "probe.cjs"), `const out = {};\n${probe('require("ENTRY")')}\nconsole.log(JSON.stringify(out));`);
    expect(JSON.parse(execFileSync(process.execPath, ["probe.cjs"], { cwd: dir, encoding: "utf8" }))).toEqual(expected);
  });

  it("an ESM program imports the root and every subpath", () => {
    fs.writeFileSync(path.join(dir, "probe.mjs"), `const out = {};\n${probe('await import("ENTRY")')}\nconsole.log(JSON.stringify(out));`);
    expect(JSON.parse(execFileSync(process.execPath, ["probe.mjs"], { cwd: dir, encoding: "utf8" }))).toEqual(expected);
  });

  const settings = [
    { moduleResolution: "node", module: "commonjs" },
    { moduleResolution: "node16", module: "node16" },
    { moduleResolution: "nodenext", module: "nodenext" },
    { moduleResolution: "bundler", module: "esnext" },
  ];
  it.each(settings)(
    "TypeScript with moduleResolution $moduleResolution type-checks the root and every subpath",
    async (compilerOptions) => {
      const imports = Object.entries(ENTRIES)
        .map(([entry, names], i) => `import * as m${i} from "${entry}";\nexport const uses${i} = [${names.map((n) => `m${i}.${n}`).join(", ")}];`)
        .join("\n");
      const typed = `import type { TurnKey, TurnKeyClient, LookupOptions } from "pulumi-cloudflare-turn-lookup/client";
import type { GetCallsTurnAppResult } from "pulumi-cloudflare-turn-lookup/compat";
export type Typed = [TurnKey, TurnKeyClient, LookupOptions, GetCallsTurnAppResult];`;
      const name = `probe-${compilerOptions.moduleResolution}`;
      fs.writeFileSync(path.join(dir, `${name}.ts`), `${imports}\n${typed}\n`);
      // No skipLibCheck: our declarations must compile as they are.
      fs.writeFileSync(
        path.join(dir, `tsconfig.${name}.json`),
        JSON.stringify({ compilerOptions: { ...compilerOptions, strict: true, target: "ES2022", noEmit: true, types: ["node"] }, files: [`${name}.ts`] }),
      );
      expect(await runCommand(path.join(dir, "node_modules/.bin/tsc"), ["-p", `tsconfig.${name}.json`], dir)).toEqual({ status: 0, output: "" });
    },
    60_000,
  );
});
