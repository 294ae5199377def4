// The provider plugin under the real engine, from a YAML program: the
// plugin installed from the packed tarball, the YAML language host built
// from its Go module, the emulator as Cloudflare.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import type { Workspace } from "./harness";
import {
  DOWNLOAD_URL,
  PLATFORM,
  SEEDED,
  STACK_LINE,
  cliWithHosts,
  RENAMED,
  refreshAfterRename,
  initPluginStack,
  installedPlugin,
  pluginsSection,
  serveArchives,
  workspaceOf,
} from "./pluginHarness";

const cliPath = cliWithHosts(["yaml"]);
const E2E_TIMEOUT = 240_000;

/** A YAML program with the three functions and the resource, its outputs named after what they show. */
function lookupsProgram(pluginDir: string): string {
  return `name: yaml-lookups
runtime: yaml
${pluginsSection(pluginDir)}variables:
  byId:
    fn::invoke:
      function: cloudflare-turn-lookup:index:lookupTurnKey
      arguments:
        accountId: ${ACCOUNT_ID}
        keyId: ${KEY_ID}
  byName:
    fn::invoke:
      function: cloudflare-turn-lookup:index:lookupTurnKeyByName
      arguments:
        accountId: ${ACCOUNT_ID}
        name: production-realtime-app
  all:
    fn::invoke:
      function: cloudflare-turn-lookup:index:lookupTurnKeys
      arguments:
        accountId: ${ACCOUNT_ID}
resources:
  key:
    type: cloudflare-turn-lookup:index:TurnKeyLookup
    properties:
      accountId: ${ACCOUNT_ID}
      keyId: ${KEY_ID}
outputs:
  byIdName: \${byId.name}
  byNameUid: \${byName.uid}
  listed: \${all.keys}
  resourceName: \${key.name}
  resourceCreated: \${key.created}
`;
}

interface PreviewJson {
  steps: { op: string; urn: string; newState?: { type: string; inputs?: Record<string, unknown> } }[];
}

describe.skipIf(!cliPath)("the plugin from a YAML program", () => {
  let emulator: RunningEmulator;
  let install: { dir: string; pluginDir: string };

  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED, { ...SEEDED, uid: OTHER_KEY_ID, name: "staging" }] } });
    install = await installedPlugin();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    await emulator?.close();
    if (install) fs.rmSync(install.dir, { recursive: true, force: true });
  });

  describe("the three functions and the resource, with the token stored as a secret", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = workspaceOf("yaml-lookups", { "Pulumi.yaml": lookupsProgram(install.pluginDir) }, cliPath!);
      await initPluginStack(ws, emulator);
      emulator.reset();
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "preview shows the key's name and uid as known values, read with GETs only",
      async () => {
        const human = await ws.ok(["preview"]);
        expect(human).toContain('byIdName       : "production-realtime-app"');
        expect(human).toContain(`byNameUid      : "${KEY_ID}"`);
        expect(human).toContain('resourceName   : "production-realtime-app"');
        expect(human).toContain('resourceCreated: "2024-05-01T10:00:00Z"');
        expect(human).not.toMatch(/output<|\[unknown\]/);
        expect(human).not.toMatch(/warning/);
        const json = JSON.parse(await ws.ok(["preview", "--json"])) as PreviewJson;
        const step = json.steps.find((s) => s.newState?.type === "cloudflare-turn-lookup:index:TurnKeyLookup");
        expect(step?.op).toBe("create");
        expect(step?.newState?.inputs).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
        expect(emulator.requests.every((r) => r.method === "GET")).toBe(true);
        expect(emulator.requests.map((r) => r.headers.authorization)).toContain("[redacted]");
      },
      E2E_TIMEOUT,
    );

    it(
      "up keeps the key in state without the token; refresh sees a rename; destroy changes nothing in Cloudflare",
      async () => {
        await ws.ok(["up", "--yes"]);
        const listed = JSON.parse(await ws.ok(["stack", "output", "--json", "listed"])) as unknown;
        expect(listed).toEqual([
          { name: "production-realtime-app", uid: KEY_ID, created: SEEDED.created, modified: SEEDED.modified },
          { name: "staging", uid: OTHER_KEY_ID, created: SEEDED.created, modified: SEEDED.modified },
        ]);
        const stateText = ws.backendFiles().map((f) => f.text);
        expect(stateText.length).toBeGreaterThan(0);
        expect(stateText.some((t) => t.includes('"cloudflare-turn-lookup:index:TurnKeyLookup"'))).toBe(true);
        for (const text of stateText) expect(text).not.toContain(CANARY_TOKEN);

        expect(await refreshAfterRename(ws, emulator)).toMatchObject({ name: RENAMED, uid: KEY_ID });

        await ws.ok(["destroy", "--yes"]);
        expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
        expect(emulator.store.list(ACCOUNT_ID).map((k) => k.uid)).toContain(KEY_ID);
        for (const text of ws.transcript) expect(text).not.toContain(CANARY_TOKEN);
      },
      E2E_TIMEOUT,
    );
  });

  it(
    "a wrong token is one clear auth message per lookup, without a stack trace or the token",
    async () => {
      const ws = workspaceOf("yaml-wrong-token", { "Pulumi.yaml": lookupsProgram(install.pluginDir) }, cliPath!);
      try {
        const wrong = "wrong-token-0b8d2f4a6c1e3a5b7d9f";
        await initPluginStack(ws, emulator);
        // In clear text, so that the engine masks nothing: the token in any message of the plugin's would show.
        await ws.ok(["config", "set", "--plaintext", "cloudflare-turn-lookup:apiToken", wrong]);
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        expect(out).toContain("Cloudflare refused the credential for the TURN key lookup");
        expect(out).toContain("HTTP 401");
        expect(out).toContain("Check that the API token (cloudflare-turn-lookup:apiToken / CLOUDFLARE_API_TOKEN)");
        expect(out).not.toContain("cloudflare:apiToken");
        expect(out).not.toMatch(STACK_LINE);
        expect(out).not.toContain(wrong);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "a key that does not exist is one not-found message naming the account and the key",
    async () => {
      const missing = "ffffffffffffffffffffffffffffffff";
      const program = `name: yaml-missing\nruntime: yaml\n${pluginsSection(install.pluginDir)}variables:\n  key:\n    fn::invoke:\n      function: cloudflare-turn-lookup:index:lookupTurnKey\n      arguments:\n        accountId: ${ACCOUNT_ID}\n        keyId: ${missing}\noutputs:\n  name: \${key.name}\n`;
      const ws = workspaceOf("yaml-missing", { "Pulumi.yaml": program }, cliPath!);
      try {
        await initPluginStack(ws, emulator);
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        expect(out).toContain(`TURN key not found (account ${ACCOUNT_ID}, key ${missing}). HTTP 404`);
        expect(out).not.toMatch(STACK_LINE);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "two explicit providers with their own tokens and base URLs: each lookup reads through its own",
    async () => {
      const other = await startEmulator({ token: "other-token-7e9c1a3b5d7f9e1c3a5b", seed: { keys: [{ ...SEEDED, name: "other-account-app" }] } });
      const program = `name: yaml-two-providers
runtime: yaml
${pluginsSection(install.pluginDir)}resources:
  first:
    type: pulumi:providers:cloudflare-turn-lookup
    properties:
      apiToken: \${firstToken}
      baseUrl: ${emulator.url}
  second:
    type: pulumi:providers:cloudflare-turn-lookup
    properties:
      apiToken: \${secondToken}
      baseUrl: ${other.url}
      accountId: ${ACCOUNT_ID}
variables:
  firstToken:
    fn::secret: ${CANARY_TOKEN}
  secondToken:
    fn::secret: other-token-7e9c1a3b5d7f9e1c3a5b
  viaFirst:
    fn::invoke:
      function: cloudflare-turn-lookup:index:lookupTurnKey
      arguments:
        accountId: ${ACCOUNT_ID}
        keyId: ${KEY_ID}
      options:
        provider: \${first}
  viaSecond:
    fn::invoke:
      function: cloudflare-turn-lookup:index:lookupTurnKey
      arguments:
        keyId: ${KEY_ID}
      options:
        provider: \${second}
outputs:
  first: \${viaFirst.name}
  second: \${viaSecond.name}
`;
      const ws = workspaceOf("yaml-two-providers", { "Pulumi.yaml": program }, cliPath!);
      try {
        await ws.initStack("dev", {});
        emulator.reset();
        other.reset();
        const human = await ws.ok(["preview"]);
        expect(human).toContain('first : "production-realtime-app"');
        expect(human).toContain('second: "other-account-app"');
        expect(emulator.requests.map((r) => r.path)).toEqual([`/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`]);
        expect(other.requests.map((r) => r.path)).toEqual([`/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`]);
      } finally {
        ws.remove();
        await other.close();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "pulumi import reads an existing key into state by <accountId>/<keyId>",
    async () => {
      const ws = workspaceOf("yaml-import", { "Pulumi.yaml": `name: yaml-import\nruntime: yaml\n${pluginsSection(install.pluginDir)}` }, cliPath!);
      try {
        await initPluginStack(ws, emulator);
        emulator.reset();
        await ws.ok(["import", "cloudflare-turn-lookup:index:TurnKeyLookup", "key", `${ACCOUNT_ID}/${KEY_ID}`, "--yes", "--generate-code=false"]);
        const stack = JSON.parse(await ws.ok(["stack", "export"])) as {
          deployment: { resources: { type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
        };
        const key = stack.deployment.resources.find((r) => r.type === "cloudflare-turn-lookup:index:TurnKeyLookup");
        expect(key?.id).toBe(`${ACCOUNT_ID}/${KEY_ID}`);
        expect(key?.inputs).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
        expect(key?.outputs).toMatchObject({ name: "production-realtime-app", uid: KEY_ID, created: SEEDED.created });
        expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "a bad limit is one message naming the plugin's key",
    async () => {
      const ws = workspaceOf("yaml-settings", { "Pulumi.yaml": lookupsProgram(install.pluginDir) }, cliPath!);
      try {
        await initPluginStack(ws, emulator, { "cloudflare-turn-lookup:maxConcurrency": "many" });
        const bad = await ws.run(["preview"]);
        expect(bad.code).not.toBe(0);
        expect(bad.stdout + bad.stderr).toContain('cloudflare-turn-lookup:maxConcurrency must be a whole number; got "many".');
        expect(bad.stdout + bad.stderr).not.toMatch(STACK_LINE);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "a program that names the download URL in its options gets the plugin for this platform from it, into an empty PULUMI_HOME",
    async () => {
      const archives = await serveArchives();
      // No plugins section: the resource's options name the plugin's version and where to get it.
      const program = `name: yaml-download
runtime: yaml
resources:
  key:
    type: cloudflare-turn-lookup:index:TurnKeyLookup
    properties:
      accountId: ${ACCOUNT_ID}
      keyId: ${KEY_ID}
    options:
      version: 0.1.0
      pluginDownloadURL: ${DOWNLOAD_URL}
outputs:
  name: \${key.name}
`;
      const ws = workspaceOf("yaml-download", { "Pulumi.yaml": program }, cliPath!);
      try {
        await initPluginStack(ws, emulator);
        const r = await ws.run(["preview"], { env: archives.env });
        expect(r.code).toBe(0);
        expect(r.stdout + r.stderr).toContain("Installing plugin cloudflare-turn-lookup-0.1.0: done");
        expect(r.stdout).toContain('name: "production-realtime-app"');
        expect(archives.requests).toEqual([`/pulumi-resource-cloudflare-turn-lookup-v0.1.0-${PLATFORM}.tar.gz`]);
        expect(await ws.ok(["plugin", "ls"])).toMatch(/cloudflare-turn-lookup\s+resource\s+0\.1\.0/);
      } finally {
        ws.remove();
        await archives.close();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "examples/yaml runs as its README says, against the emulator",
    async () => {
      const example = fs.readFileSync(path.join(REPO, "examples/yaml/Pulumi.yaml"), "utf8");
      expect(example).toContain("path: ../../dist/plugin");
      // The example names the checkout's plugin by a relative path; here the project sits elsewhere.
      const ws = workspaceOf(
        "example-yaml",
        { "Pulumi.yaml": example.replace("path: ../../dist/plugin", `path: ${path.join(REPO, "dist/plugin")}`) },
        cliPath!,
      );
      try {
        await initPluginStack(ws, emulator, { accountId: ACCOUNT_ID, keyId: KEY_ID });
        const preview = await ws.ok(["preview"]);
        expect(preview).toContain('name    : "production-realtime-app"');
        expect(preview).toContain(`uid     : "${KEY_ID}"`);
        expect(preview).toContain('keptName: "production-realtime-app"');
        expect(preview).toContain(`modified: "${SEEDED.modified}"`);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );
});
