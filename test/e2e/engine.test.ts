// End to end under the real Pulumi engine: the CLI built from Go modules,
// the Node.js language host, the real dynamic-provider process, and the
// emulator as Cloudflare. Stacks install this package from its npm pack
// tarball, as users do.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { portedCompatProgram } from "../support/compatProgram";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import { Workspace, findCliDir } from "./harness";

const cliDir = findCliDir();
// The engine's marker for a value not known until update.
const UNKNOWN_VALUE = unknownValue;
const LOOKUP_TYPE = "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup";
const SEEDED = { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" };
const E2E_TIMEOUT = 240_000;

interface PreviewStep {
  op: string;
  urn: string;
  newState?: { type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
}

let emulator: RunningEmulator;

function mutatingRequests() {
  return emulator.requests.filter((r) => r.method !== "GET");
}

describe.skipIf(!cliDir)("under the real Pulumi engine", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED] } });
  });
  afterAll(() => emulator?.close());

  describe("a test stack: preview, up, refresh, up, destroy", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = Workspace.create("turn-consumer", path.join(REPO, "test/e2e/stacks/consumer/index.ts"), cliDir!);
      await ws.initStack("dev", { accountId: ACCOUNT_ID, keyId: KEY_ID, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
      emulator.reset();
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "preview knows the key's fields, and the consumer's planned inputs carry the real uid, from one GET",
      async () => {
        const preview = JSON.parse(await ws.ok(["preview", "--json"])) as { steps: PreviewStep[] };
        const reads = preview.steps.filter((s) => s.newState?.type === LOOKUP_TYPE);
        expect(reads).toHaveLength(4);
        for (const step of reads) {
          // Read, not created: the engine asks the provider to read key KEY_ID.
          expect(step.op).toBe("read");
          expect(step.newState!.id).toBe(KEY_ID);
          expect(step.newState!.inputs).toMatchObject({ accountId: ACCOUNT_ID, keyId: KEY_ID });
        }
        // The preview's JSON leaves out the read's outputs, so a consumer of all
        // four shows them: each is a real value in its planned inputs, not an unknown.
        const consumer = preview.steps.find((s) => s.newState?.type === "pulumi-nodejs:dynamic/test:Consumer")!;
        expect(consumer.op).toBe("create");
        const { __provider, ...planned } = consumer.newState!.inputs!;
        expect(planned).toEqual({ turnKeyUid: KEY_ID, turnKeyName: SEEDED.name, turnKeyCreated: SEEDED.created, turnKeyModified: SEEDED.modified });
        expect(JSON.stringify(planned)).not.toContain(UNKNOWN_VALUE);
        // Four lookups of one key in one provider process: one request.
        expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
      },
      E2E_TIMEOUT,
    );

    it(
      "up exports the looked-up values",
      async () => {
        await ws.ok(["up", "--yes", "--skip-preview"]);
        const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(outputs).toEqual({
          name: SEEDED.name,
          uid: KEY_ID,
          created: SEEDED.created,
          modified: SEEDED.modified,
          consumerUid: KEY_ID,
          consumerName: SEEDED.name,
        });
      },
      E2E_TIMEOUT,
    );

    it(
      "after a rename, refresh and up follow the key, and so does the consumer",
      async () => {
        const renamed = emulator.store.rename(ACCOUNT_ID, KEY_ID, "renamed-realtime-app")!;
        await ws.ok(["refresh", "--yes", "--skip-preview"]);
        const state = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string; outputs: Record<string, unknown> }[] } };
        const lookups = state.deployment.resources.filter((r) => r.type === LOOKUP_TYPE);
        expect(lookups.map((r) => r.outputs.name)).toEqual(Array(4).fill("renamed-realtime-app"));
        expect(lookups[0]!.outputs.modified).toBe(renamed.modified);

        await ws.ok(["up", "--yes", "--skip-preview"]);
        const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(outputs.name).toBe("renamed-realtime-app");
        expect(outputs.modified).toBe(renamed.modified);
        expect(outputs.consumerName).toBe("renamed-realtime-app");
      },
      E2E_TIMEOUT,
    );

    it(
      "keeps the credential out of the state, the backend and the CLI output; __provider stays under 4 KB",
      async () => {
        const exported = await ws.ok(["stack", "export"]);
        expect(exported).not.toContain(CANARY_TOKEN);
        const resources = (JSON.parse(exported) as { deployment: { resources: { type: string; inputs: Record<string, unknown> }[] } }).deployment.resources;
        const lookups = resources.filter((x) => x.type === LOOKUP_TYPE);
        expect(lookups).toHaveLength(4);
        for (const r of lookups) {
          const provider = r.inputs.__provider as string;
          expect(provider.length).toBeGreaterThan(100);
          expect(provider.length).toBeLessThan(4096);
          expect(Object.keys(r.inputs).sort()).toEqual(["__provider", "accountId", "keyId"]);
        }
        // Even decrypted, the token is only where the engine keeps the stack's
        // config (as an encrypted secret input of the default provider), never in a lookup.
        const decrypted = JSON.parse((await ws.run(["stack", "export", "--show-secrets"], { record: false })).stdout) as {
          deployment: { resources: { type: string }[] };
        };
        const holders = decrypted.deployment.resources.filter((r) => JSON.stringify(r).includes(CANARY_TOKEN)).map((r) => r.type);
        expect(holders).toEqual(["pulumi:providers:pulumi-nodejs"]);

        const files = ws.backendFiles();
        expect(files.length).toBeGreaterThan(0);
        for (const f of files) expect(f.text, f.file).not.toContain(CANARY_TOKEN);
        expect(ws.transcript.join("\n")).not.toContain(CANARY_TOKEN);
      },
      E2E_TIMEOUT,
    );

    it(
      "destroy forgets the lookups; Cloudflare saw only GETs the whole time",
      async () => {
        await ws.ok(["destroy", "--yes", "--skip-preview"]);
        expect(emulator.store.get(ACCOUNT_ID, KEY_ID)?.name).toBe("renamed-realtime-app");
        expect(emulator.requests.length).toBeGreaterThan(0);
        expect(mutatingRequests()).toEqual([]);
        expect(ws.transcript.join("\n")).not.toContain(CANARY_TOKEN);
      },
      E2E_TIMEOUT,
    );
  });

  describe("lookups by name and of the whole list: preview, up, rename, refresh, up, destroy", () => {
    let ws: Workspace;
    const TWIN = "00000000000000000000000000000b0b";
    beforeAll(async () => {
      ws = Workspace.create("turn-by-name", path.join(REPO, "test/e2e/stacks/by-name/index.ts"), cliDir!);
      await ws.initStack("dev", { accountId: ACCOUNT_ID, keyName: SEEDED.name, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "a preview of 20 by-name lookups and 2 TurnKeys of one account sends exactly one request, and knows every field",
      async () => {
        emulator.store.put(SEEDED);
        emulator.store.put({ accountId: ACCOUNT_ID, uid: TWIN, name: "other-app", created: "2024-06-01T00:00:00Z", modified: "2024-06-01T00:00:00Z" });
        emulator.reset();
        const preview = JSON.parse(await ws.ok(["preview", "--json"])) as { steps: PreviewStep[] };
        const reads = preview.steps.filter((s) => s.newState?.type === LOOKUP_TYPE);
        expect(reads).toHaveLength(20);
        for (const step of reads) {
          expect(step.op).toBe("read");
          expect(step.newState!.id).toBe(`name:${SEEDED.name}`);
        }
        expect(preview.steps.filter((s) => s.newState?.type === "pulumi-nodejs:dynamic/cloudflare:TurnKeys").map((s) => s.op)).toEqual(["read", "read"]);
        const consumer = preview.steps.find((s) => s.newState?.type === "pulumi-nodejs:dynamic/test:Consumer")!;
        const { __provider, ...planned } = consumer.newState!.inputs!;
        expect(planned).toEqual({
          turnKeyUid: KEY_ID,
          turnKeyName: SEEDED.name,
          turnKeyId: KEY_ID,
          keys: [
            { name: SEEDED.name, uid: KEY_ID, created: SEEDED.created, modified: SEEDED.modified },
            { name: "other-app", uid: TWIN, created: "2024-06-01T00:00:00Z", modified: "2024-06-01T00:00:00Z" },
          ],
        });
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`]);
      },
      E2E_TIMEOUT,
    );

    it(
      "up exports the key found by name and the list, still from one list request",
      async () => {
        emulator.reset();
        await ws.ok(["up", "--yes", "--skip-preview"]);
        const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(outputs).toMatchObject({ uid: KEY_ID, keyId: KEY_ID, keyName: SEEDED.name, consumerName: SEEDED.name });
        expect(outputs.listed.map((k: { uid: string }) => k.uid)).toEqual([KEY_ID, TWIN]);
        expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
      },
      E2E_TIMEOUT,
    );

    it(
      "after a rename, refresh fails naming the new name; with the new name, up follows the same key",
      async () => {
        emulator.store.rename(ACCOUNT_ID, KEY_ID, "renamed-by-name");
        const refresh = await ws.run(["refresh", "--yes", "--skip-preview"]);
        expect(refresh.code).not.toBe(0);
        expect(refresh.stdout + refresh.stderr).toContain(`No TURN key is named "${SEEDED.name}"`);
        expect(refresh.stdout + refresh.stderr).toMatch(/the nearest names are [^.]*"renamed-by-name"/);
        await ws.ok(["config", "set", "keyName", "renamed-by-name"]);
        await ws.ok(["up", "--yes", "--skip-preview"]);
        const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(outputs).toMatchObject({ uid: KEY_ID, keyName: "renamed-by-name", consumerName: "renamed-by-name" });
        const state = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string; id?: string }[] } };
        expect(new Set(state.deployment.resources.filter((r) => r.type === LOOKUP_TYPE).map((r) => r.id))).toEqual(new Set(["name:renamed-by-name"]));
      },
      E2E_TIMEOUT,
    );

    it(
      "destroy forgets them all; only GETs ever, and the credential never shows",
      async () => {
        await ws.ok(["destroy", "--yes", "--skip-preview"]);
        expect(emulator.store.get(ACCOUNT_ID, KEY_ID)?.name).toBe("renamed-by-name");
        expect(mutatingRequests()).toEqual([]);
        expect(ws.transcript.join("\n")).not.toContain(CANARY_TOKEN);
        for (const f of ws.backendFiles()) expect(f.text, f.file).not.toContain(CANARY_TOKEN);
        emulator.store.delete(ACCOUNT_ID, TWIN);
      },
      E2E_TIMEOUT,
    );
  });

  describe("function forms and the @pulumi/cloudflare drop-in: nothing in state", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = Workspace.create("turn-functions", path.join(REPO, "test/e2e/stacks/functions/index.ts"), cliDir!);
      await ws.initStack(
        "dev",
        { accountId: ACCOUNT_ID, keyId: KEY_ID, keyName: SEEDED.name, "cloudflare:baseUrl": emulator.url },
        { "cloudflare:apiToken": CANARY_TOKEN },
      );
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "preview knows every function lookup's values (one request per distinct path), and leaves one on an unknown account unknown",
      async () => {
        emulator.store.put(SEEDED);
        emulator.reset();
        const preview = JSON.parse(await ws.ok(["preview", "--json"])) as { steps: PreviewStep[] };
        expect(preview.steps.filter((s) => s.newState?.type === LOOKUP_TYPE)).toEqual([]);
        const consumer = preview.steps.find((s) => s.newState?.type === "pulumi-nodejs:dynamic/test:Consumer")!;
        const { __provider, ...planned } = consumer.newState!.inputs!;
        expect(planned).toEqual({ uid: KEY_ID, name: SEEDED.name, byNameUid: KEY_ID, listed: [KEY_ID], promisedModified: SEEDED.modified });
        const paths = emulator.requests.map((r) => `${r.method} ${r.path}`);
        expect(new Set(paths).size).toBe(paths.length);
        expect(paths).toContain(`GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`);
        const human = await ws.ok(["preview"]);
        expect(human).toMatch(/late\s*: \[unknown\]/);
      },
      E2E_TIMEOUT,
    );

    it(
      "after up the state holds no lookup, and the values equal the resource form's",
      async () => {
        await ws.ok(["up", "--yes", "--skip-preview"]);
        const state = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string }[] } };
        expect(state.deployment.resources.map((r) => r.type).filter((t) => t.includes("cloudflare"))).toEqual([]);
        const outputs = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(outputs.late).toBe(SEEDED.name);
        await ws.ok(["config", "set", "withResource", "true"]);
        await ws.ok(["up", "--yes", "--skip-preview"]);
        const both = JSON.parse(await ws.ok(["stack", "output", "--json"]));
        expect(both.functionForm).toEqual({
          accountId: ACCOUNT_ID,
          keyId: KEY_ID,
          name: SEEDED.name,
          uid: KEY_ID,
          created: SEEDED.created,
          modified: SEEDED.modified,
        });
        expect(both.functionForm).toEqual(both.resourceForm);
        await ws.ok(["destroy", "--yes", "--skip-preview"]);
        expect(mutatingRequests()).toEqual([]);
      },
      E2E_TIMEOUT,
    );

    it(
      "a program written for @pulumi/cloudflare runs with only its import changed; a binding gets the real uid in preview",
      async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "turn-compat-")), "index.ts");
        fs.writeFileSync(file, portedCompatProgram());
        const compat = Workspace.create("turn-compat", file, cliDir!);
        try {
          await compat.initStack("dev", { accountId: ACCOUNT_ID, keyId: KEY_ID, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
          const preview = JSON.parse(await compat.ok(["preview", "--json"])) as { steps: PreviewStep[] };
          const binding = preview.steps.find((s) => s.newState?.type === "pulumi-nodejs:dynamic/test:Consumer")!;
          expect(binding.newState!.inputs!.TURN_KEY_ID).toBe(KEY_ID);
          await compat.ok(["up", "--yes", "--skip-preview"]);
          const outputs = JSON.parse(await compat.ok(["stack", "output", "--json"]));
          expect(outputs).toMatchObject({
            uid: KEY_ID,
            name: SEEDED.name,
            keyIdOut: KEY_ID,
            accountIdOut: ACCOUNT_ID,
            listedUids: [KEY_ID],
            promisedName: SEEDED.name,
            promisedCount: 1,
          });
          const state = JSON.parse(await compat.ok(["stack", "export"])) as { deployment: { resources: { type: string }[] } };
          expect(state.deployment.resources.map((r) => r.type).filter((t) => t.includes("cloudflare"))).toEqual([]);
          expect(compat.transcript.join("\n")).not.toContain(CANARY_TOKEN);
        } finally {
          compat.remove();
        }
      },
      E2E_TIMEOUT,
    );
  });

  describe("an account id from another resource", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = Workspace.create("turn-unknown-account", path.join(REPO, "test/e2e/stacks/unknown-account/index.ts"), cliDir!);
      await ws.initStack("dev", { accountId: ACCOUNT_ID, keyId: KEY_ID, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "previews with the key's fields unknown and sends no request, then up reads them",
      async () => {
        emulator.store.put(SEEDED);
        emulator.reset();
        const preview = await ws.ok(["preview"]);
        // The stack outputs wait for `up`: unknown in the preview, not empty.
        expect(preview).toMatch(/name\s*: \[unknown\]/);
        expect(preview).toMatch(/uid\s*: \[unknown\]/);
        expect(emulator.requests).toEqual([]);
        await ws.ok(["up", "--yes", "--skip-preview"]);
        expect(JSON.parse(await ws.ok(["stack", "output", "--json"]))).toEqual({ name: emulator.store.get(ACCOUNT_ID, KEY_ID)!.name, uid: KEY_ID });
        expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
        await ws.ok(["destroy", "--yes", "--skip-preview"]);
      },
      E2E_TIMEOUT,
    );
  });

  describe("the quickstart example, and a retry", () => {
    let ws: Workspace;
    beforeAll(() => {
      ws = Workspace.create("turn-quickstart", path.join(REPO, "examples/quickstart/index.ts"), cliDir!);
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "the quickstart exports the key's four fields",
      async () => {
        emulator.store.put(SEEDED);
        await ws.initStack("quickstart", { accountId: ACCOUNT_ID, keyId: KEY_ID, "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": CANARY_TOKEN });
        await ws.ok(["up", "--yes", "--skip-preview"]);
        expect(JSON.parse(await ws.ok(["stack", "output", "--json"]))).toEqual({
          name: SEEDED.name,
          uid: KEY_ID,
          created: SEEDED.created,
          modified: SEEDED.modified,
        });
        await ws.ok(["destroy", "--yes", "--skip-preview"]);
      },
      E2E_TIMEOUT,
    );

    it(
      "retries a transient failure and shows the retry, with its reason, in pulumi preview --debug",
      async () => {
        emulator.reset();
        emulator.addFaults([
          { path: `/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`, steps: [{ status: 503, body: "busy", headers: { "retry-after-ms": "50" } }] },
        ]);
        const r = await ws.run(["preview", "--debug"]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(
          `[TurnKeyLookup] retrying GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID} in 50 ms (attempt 2 of 4): HTTP 503`,
        );
        expect(emulator.requests.map((x) => `${x.method} ${x.status}`)).toEqual(["GET 503", "GET 200"]);
      },
      E2E_TIMEOUT,
    );
  });
});
