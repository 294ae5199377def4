// The compat module: a program written for @pulumi/cloudflare compiles with
// only its import line changed, and the functions give that package's shapes.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { getCallsTurnApp, getCallsTurnAppOutput, getCallsTurnApps, getCallsTurnAppsOutput } from "../../provider/compat";
import { TurnKeyInputError, TurnKeyNotFoundError } from "../../provider/core/errors";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { mockEngine, valueOf } from "../support/mocks";
import { BRIDGED_IMPORT, COMPAT_PROGRAM, portedCompatProgram } from "../support/compatProgram";
import { REPO } from "../support/packed";

/** Type errors of `source` compiled as `file` with the repository's compiler options. */
function typeErrors(file: string, source: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(REPO, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => (path.resolve(f) === file ? source : readFile(f));
  host.fileExists = (f) => path.resolve(f) === file || fileExists(f);
  const program = ts.createProgram([file], config.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("a program written against @pulumi/cloudflare", () => {
  const source = fs.readFileSync(COMPAT_PROGRAM, "utf8");

  it("compiles as written, and with only its import line changed to the compat module", () => {
    expect(source.split("\n").filter((l) => l.includes(BRIDGED_IMPORT))).toHaveLength(1);
    expect(typeErrors(COMPAT_PROGRAM, source)).toEqual([]);
    const ported = portedCompatProgram();
    expect(ported).not.toBe(source);
    expect(typeErrors(path.join(REPO, "test/e2e/stacks/compat/ported.ts"), ported)).toEqual([]);
  });
});

describe("the compat functions in a program", () => {
  let emulator: RunningEmulator;
  const keys = [
    { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" },
    { accountId: ACCOUNT_ID, uid: OTHER_KEY_ID, name: "staging", created: "2024-06-01T10:00:00Z", modified: "2024-06-01T10:00:00Z" },
  ];
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys } });
    mockEngine("compat", { "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url });
  });
  afterAll(() => emulator.close());

  // First in this file: one file is one program run, whose client keeps what it read.
  it("a run shares requests: one list, and each key only once", async () => {
    emulator.reset();
    await Promise.all([getCallsTurnApps({ accountId: ACCOUNT_ID }), getCallsTurnApps({ accountId: ACCOUNT_ID, maxItems: 5 })]);
    await getCallsTurnApp({ accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID });
    await getCallsTurnApp({ accountId: ACCOUNT_ID, keyId: KEY_ID });
    await getCallsTurnApps({ accountId: ACCOUNT_ID });
    // Both keys were in the listed account: no GET of their own, and no second list.
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`]);
  });

  it("getCallsTurnApp gives @pulumi/cloudflare's fields, and the Output form the same", async () => {
    const expected = { accountId: ACCOUNT_ID, created: keys[0]!.created, keyId: KEY_ID, modified: keys[0]!.modified, name: keys[0]!.name, uid: KEY_ID };
    expect(await getCallsTurnApp({ accountId: ACCOUNT_ID, keyId: KEY_ID })).toEqual(expected);
    expect(await valueOf(getCallsTurnAppOutput({ accountId: pulumi.output(ACCOUNT_ID), keyId: KEY_ID }))).toEqual(expected);
  });

  it("getCallsTurnApps lists the account in the API's order, keeps at most maxItems, and echoes its arguments", async () => {
    const all = await getCallsTurnApps({ accountId: ACCOUNT_ID });
    expect(all).toEqual({
      accountId: ACCOUNT_ID,
      maxItems: undefined,
      results: keys.map(({ name, uid, created, modified }) => ({ created, modified, name, uid })),
    });
    const one = await valueOf(getCallsTurnAppsOutput({ accountId: ACCOUNT_ID, maxItems: 1 }));
    expect(one.results.map((r) => r.uid)).toEqual([KEY_ID]);
    expect(one.maxItems).toBe(1);
    await expect(getCallsTurnApps({ accountId: ACCOUNT_ID, maxItems: 0 })).rejects.toThrow(
      new TurnKeyInputError("maxItems", "getCallsTurnApps: maxItems must be a whole number >= 1; got 0."),
    );
  });

  it("failures are our typed errors, marked so the program runner prints their message alone", async () => {
    const err = await getCallsTurnApp({ accountId: ACCOUNT_ID, keyId: "f".repeat(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TurnKeyNotFoundError);
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain(`key ${"f".repeat(32)}`);
  });
});
