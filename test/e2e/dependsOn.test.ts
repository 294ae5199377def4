// `dependsOn` in the Output forms, as Pulumi's own invokes honour it: a
// stack creates a TURN key with one of its resources and looks it up with
// { dependsOn: [resource] }, in lookupTurnKeyOutput and in the compat
// drop-in's getCallsTurnAppOutput.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, OTHER_KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import { Workspace, findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 240_000;
const NAME = "made-by-the-stack";

let emulator: RunningEmulator;
let ws: Workspace;

const keyRequests = () => emulator.requests.filter((r) => r.path.endsWith(`/turn_keys/${OTHER_KEY_ID}`));

describe.skipIf(!cliDir)("dependsOn, under the real Pulumi engine", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN });
    ws = Workspace.create("turn-depends-on", path.join(REPO, "test/e2e/stacks/depends-on/index.ts"), cliDir!);
    const adminUrl = emulator.url.replace(/\/client\/v4$/, "/__admin");
    await ws.initStack("dev", { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID, keyName: NAME, adminUrl, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await emulator?.close();
  });

  it("preview: exits 0, the lookups unknown, and nothing is asked of the API while the resource is to be created", async () => {
    emulator.reset();
    const r = await ws.run(["preview", "--diff"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lookupName\s*:\s*\[unknown\]/);
    expect(r.stdout).toMatch(/compatName\s*:\s*\[unknown\]/);
    // The consumer of a lookup is planned with the lookup unknown too.
    expect(r.stdout).toMatch(/Consumer: \(create\)[\s\S]*name\s*:\s*\[unknown\]/);
    expect(emulator.requests).toEqual([]);
    expect(emulator.store.get(ACCOUNT_ID, OTHER_KEY_ID)).toBeUndefined();
  }, E2E_TIMEOUT);

  it("up: both lookups read the key the resource made, after it made it, and the outputs show its name", async () => {
    emulator.reset();
    const r = await ws.run(["up", "--yes", "--skip-preview"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"])) as Record<string, string>;
    expect(outputs).toEqual({ lookupName: NAME, compatName: NAME });
    // One GET, shared by the two lookups of the run, answered with the key.
    expect(keyRequests().map((q) => `${q.method} ${q.status}`)).toEqual(["GET 200"]);
    // The consumer of a lookup got the real name: it was ordered after the maker through the lookup.
    const state = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
    const consumer = state.deployment.resources.find((res) => res.type === "pulumi-nodejs:dynamic/test:Consumer")!;
    expect(consumer.outputs).toMatchObject({ name: NAME });
  }, E2E_TIMEOUT);

  it("a later preview, with the resource in place, knows the values", async () => {
    emulator.reset();
    const r = await ws.run(["preview", "--json"]);
    expect(r.code).toBe(0);
    expect(keyRequests().map((q) => q.method)).toEqual(["GET"]);
  }, E2E_TIMEOUT);
});
