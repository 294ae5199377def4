// `dependsOn` in every form, as Pulumi's own invokes honour it: a stack
// creates a TURN key with one of its resources and looks it up with
// { dependsOn: [resource] }, in lookupTurnKeyOutput, the compat drop-in's
// getCallsTurnAppOutput, a TurnKeyLookup by name and a TurnKeys list.
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
const listRequests = () => emulator.requests.filter((r) => r.path.endsWith("/turn_keys"));

/** The planned inputs of each Consumer in `pulumi preview --json`: what a preview knows of the lookups' values. */
function plannedConsumerInputs(json: string): Record<string, Record<string, unknown>> {
  const { steps } = JSON.parse(json) as { steps: { urn: string; newState?: { inputs?: Record<string, unknown> } }[] };
  const consumers = steps.filter((s) => s.urn.includes("::pulumi-nodejs:dynamic/test:Consumer::"));
  return Object.fromEntries(consumers.map((s) => [s.urn.split("::").at(-1)!, recorded(s.newState?.inputs ?? {})]));
}

/** What a Consumer recorded, without its serialized provider. */
function recorded({ __provider: _, ...values }: Record<string, unknown>): Record<string, unknown> {
  return values;
}

describe.skipIf(!cliDir)("dependsOn, under the real Pulumi engine", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN });
    ws = Workspace.create("turn-depends-on", path.join(REPO, "test/e2e/stacks/depends-on/index.ts"), cliDir!);
    const adminUrl = emulator.url.replace(/\/client\/v4$/, "/__admin");
    await ws.initStack(
      "dev",
      { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID, keyName: NAME, adminUrl, "cloudflare:baseUrl": emulator.url },
      { "cloudflare:apiToken": CANARY_TOKEN },
    );
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await emulator?.close();
  });

  it(
    "preview: exits 0, the lookups unknown, and nothing is asked of the API while the resource is to be created",
    async () => {
      emulator.reset();
      const r = await ws.run(["preview", "--diff"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/lookupName\s*:\s*\[unknown\]/);
      expect(r.stdout).toMatch(/compatName\s*:\s*\[unknown\]/);
      expect(r.stdout).toMatch(/resourceName\s*:\s*\[unknown\]/);
      expect(r.stdout).toMatch(/listedNames\s*:\s*\[unknown\]/);
      // The consumer of a lookup is planned with the lookup unknown too.
      expect(r.stdout).toMatch(/Consumer: \(create\)[\s\S]*name\s*:\s*\[unknown\]/);
      expect(emulator.requests).toEqual([]);
      expect(emulator.store.get(ACCOUNT_ID, OTHER_KEY_ID)).toBeUndefined();
    },
    E2E_TIMEOUT,
  );

  it(
    "up (with its preview): every lookup reads the key the resource made, after it made it, and the outputs show its name",
    async () => {
      emulator.reset();
      const r = await ws.run(["up", "--yes"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"])) as Record<string, unknown>;
      expect(outputs).toEqual({ lookupName: NAME, compatName: NAME, resourceName: NAME, listedNames: [NAME] });
      // One GET, shared by the two function lookups of the run; one list, shared by the two resource lookups.
      expect(keyRequests().map((q) => `${q.method} ${q.status}`)).toEqual(["GET 200"]);
      expect(listRequests().map((q) => `${q.method} ${q.status}`)).toEqual(["GET 200"]);
      // The consumers got the real values: they were ordered after the maker through the lookups.
      const state = JSON.parse(await ws.ok(["stack", "export"])) as {
        deployment: { resources: { urn: string; type: string; outputs?: Record<string, unknown> }[] };
      };
      const consumers = state.deployment.resources.filter((res) => res.type === "pulumi-nodejs:dynamic/test:Consumer");
      expect(Object.fromEntries(consumers.map((c) => [c.urn.split("::").at(-1), recorded(c.outputs ?? {})]))).toEqual({
        consumer: { name: NAME },
        "resource-consumer": { name: NAME, uid: OTHER_KEY_ID },
      });
    },
    E2E_TIMEOUT,
  );

  it(
    "a later preview, with the resource in place, knows the values: the consumers' planned inputs hold them",
    async () => {
      emulator.reset();
      const r = await ws.run(["preview", "--json", "--show-sames"]);
      expect(r.code).toBe(0);
      expect(plannedConsumerInputs(r.stdout)).toEqual({ consumer: { name: NAME }, "resource-consumer": { name: NAME, uid: OTHER_KEY_ID } });
      expect(keyRequests().map((q) => q.method)).toEqual(["GET"]);
    },
    E2E_TIMEOUT,
  );
});
