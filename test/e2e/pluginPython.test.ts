// The provider plugin under the real engine, from a Python program that
// uses the generated SDK (sdk/python, pip-installed from this checkout),
// with `pulumi` from PyPI and the Python language host built from its Go
// module.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import type { Workspace } from "./harness";
import {
  PLATFORM,
  SEEDED,
  STACK_LINE,
  serveArchives,
  cliWithHosts,
  RENAMED,
  refreshAfterRename,
  initPluginStack,
  installedPlugin,
  pluginsSection,
  pythonWithSdk,
  withToken,
  workspaceOf,
} from "./pluginHarness";

const cliPath = cliWithHosts(["python"]);
const E2E_TIMEOUT = 240_000;

const PROGRAM = `import pulumi
import pulumi_cloudflare_turn_lookup as turn

ACCOUNT = "${ACCOUNT_ID}"

by_id = turn.lookup_turn_key(account_id=ACCOUNT, key_id="${KEY_ID}")
by_name = turn.lookup_turn_key_by_name(account_id=ACCOUNT, name="production-realtime-app")
keys = turn.lookup_turn_keys(account_id=ACCOUNT)
key = turn.TurnKeyLookup("key", account_id=ACCOUNT, key_id="${KEY_ID}")
got = turn.TurnKeyLookup.get("got", f"{ACCOUNT}/${KEY_ID}")

pulumi.export("by_id_name", by_id.name)
pulumi.export("by_name_uid", by_name.uid)
pulumi.export("key_count", len(keys.keys))
pulumi.export("resource_name", key.name)
pulumi.export("got_uid", got.uid)
`;

describe.skipIf(!cliPath)("the plugin from a Python program with the generated SDK", () => {
  let emulator: RunningEmulator;
  let install: { dir: string; pluginDir: string };
  let ws: Workspace;
  let venv: string;

  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED] } });
    install = await installedPlugin();
    venv = pythonWithSdk();
    // The Python host of sdk/v3 v3.68.0 runs the first python3 on PATH: the virtual environment's, as an activated one.
    ws = workspaceOf(
      "python-lookups",
      { "Pulumi.yaml": `name: python-lookups\nruntime: python\n${pluginsSection(install.pluginDir)}`, "__main__.py": PROGRAM },
      `${path.join(venv, "bin")}${path.delimiter}${cliPath}`,
    );
    await initPluginStack(ws, emulator);
    emulator.reset();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await emulator?.close();
    if (install) fs.rmSync(install.dir, { recursive: true, force: true });
  });

  it(
    "preview shows the key's fields as known values; up keeps no token in state; refresh sees a rename",
    async () => {
      const preview = await ws.ok(["preview"]);
      expect(preview).toContain('by_id_name   : "production-realtime-app"');
      expect(preview).toContain(`by_name_uid  : "${KEY_ID}"`);
      expect(preview).toContain("key_count    : 1");
      expect(preview).toContain('resource_name: "production-realtime-app"');
      // The SDK's get reads an existing key by <accountId>/<keyId>.
      expect(preview).toContain(`got_uid      : "${KEY_ID}"`);

      const up = await ws.ok(["up", "--yes"]);
      expect(up).toContain('resource_name: "production-realtime-app"');
      for (const { text } of ws.backendFiles()) expect(text).not.toContain(CANARY_TOKEN);

      expect(await refreshAfterRename(ws, emulator)).toMatchObject({ name: RENAMED, uid: KEY_ID });
      expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
      for (const text of ws.transcript) expect(text).not.toContain(CANARY_TOKEN);
    },
    E2E_TIMEOUT,
  );

  it(
    "a wrong token, and a key that does not exist, are each one clear message; the resource form's without the program's traceback",
    async () => {
      const wrong = "wrong-token-4c2e8a6b0d1f3e5a7c9b";
      await withToken(ws, wrong, async () => {
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        // The Python SDK raises every failed invoke as an Exception, printed with its traceback; the message is the plugin's, once.
        expect(out).toContain(
          "Exception: invoke of cloudflare-turn-lookup:index:lookupTurnKey failed: invocation of cloudflare-turn-lookup:index:lookupTurnKey returned an error: " +
            "Cloudflare refused the credential for the TURN key lookup",
        );
        expect(out.match(/Cloudflare refused the credential/g)).toHaveLength(1);
        expect(out).toContain("cloudflare-turn-lookup:apiToken / CLOUDFLARE_API_TOKEN");
        expect(out).not.toContain(wrong);
      });
      // The resource form alone: its failure is the engine's, on the resource's row, without a traceback.
      const missing = "ffffffffffffffffffffffffffffffff";
      fs.writeFileSync(
        path.join(ws.dir, "__main__.py"),
        `import pulumi_cloudflare_turn_lookup as turn\n\nturn.TurnKeyLookup("missing", account_id="${ACCOUNT_ID}", key_id="${missing}")\n`,
      );
      try {
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        expect(out).toContain(`missing create error: Preview failed: TURN key not found (account ${ACCOUNT_ID}, key ${missing}). HTTP 404`);
        // No frame of the program or the SDK: the Python host of v3.68.0 prints only its own KeyboardInterrupt when the engine stops the program.
        expect(out).not.toMatch(/File ".*(__main__|pulumi_cloudflare_turn_lookup)/);
        expect(out).not.toMatch(STACK_LINE);
      } finally {
        fs.writeFileSync(path.join(ws.dir, "__main__.py"), PROGRAM);
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "with the SDK's wheel installed and nothing else, the engine gets the plugin from the SDK's download URL into an empty PULUMI_HOME",
    async () => {
      const archives = await serveArchives();
      // No plugins section, no plugin installed: the wheel's pulumi-plugin.json names the server.
      const program = workspaceOf(
        "python-download",
        {
          "Pulumi.yaml": "name: python-download\nruntime: python\n",
          "__main__.py": `import pulumi\nimport pulumi_cloudflare_turn_lookup as turn\n\npulumi.export("name", turn.lookup_turn_key(account_id="${ACCOUNT_ID}", key_id="${KEY_ID}").name)\n`,
        },
        `${path.join(venv, "bin")}${path.delimiter}${cliPath}`,
      );
      try {
        await initPluginStack(program, emulator);
        expect(fs.existsSync(path.join(program.dir, ".pulumi-home", "plugins"))).toBe(false);
        const r = await program.run(["preview"], { env: archives.env });
        expect(r.code).toBe(0);
        expect(r.stdout + r.stderr).toMatch(/(Downloading|Installing) plugin cloudflare-turn-lookup-0\.1\.0: done/);
        expect(r.stdout).toContain('name: "production-realtime-app"');
        expect(archives.requests).toEqual([`/pulumi-resource-cloudflare-turn-lookup-v0.1.0-${PLATFORM}.tar.gz`]);
      } finally {
        program.remove();
        await archives.close();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "examples/python runs as its README says, against the emulator",
    async () => {
      const example = fs.readFileSync(path.join(REPO, "examples/python/Pulumi.yaml"), "utf8");
      const program = workspaceOf(
        "example-python",
        {
          "Pulumi.yaml": example.replace("path: ../../dist/plugin", `path: ${path.join(REPO, "dist/plugin")}`),
          "__main__.py": fs.readFileSync(path.join(REPO, "examples/python/__main__.py"), "utf8"),
        },
        `${path.join(venv, "bin")}${path.delimiter}${cliPath}`,
      );
      try {
        await initPluginStack(program, emulator, { accountId: ACCOUNT_ID, keyId: KEY_ID });
        const preview = await program.ok(["preview"]);
        expect(preview).toContain('name     : "production-realtime-app"');
        expect(preview).toContain(`uid      : "${KEY_ID}"`);
        expect(preview).toContain("key_count: 1");
        expect(preview).toContain('kept_name: "production-realtime-app"');
      } finally {
        program.remove();
      }
    },
    E2E_TIMEOUT,
  );
});
