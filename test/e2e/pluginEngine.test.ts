// The provider plugin in the engine's modes that real users meet: its flags
// (--logflow -v=9, --tracing), the clear-text warning from the current
// config, mistyped config keys, refresh after a change in Cloudflare, one
// Ctrl-C during a slow read, a plugin started by hand and attached to, and
// inputs that a preview does not know yet. YAML programs, and one Node.js
// program whose account comes from a resource still to be created.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import { until } from "../support/until";
import { type Workspace, cliEnvironment } from "./harness";
import { SEEDED, STACK_LINE, cliWithHosts, initPluginStack, installedPlugin, pluginsSection, workspaceOf } from "./pluginHarness";

const cliPath = cliWithHosts(["yaml"]);
const E2E_TIMEOUT = 240_000;
const UNKNOWN_MARKER = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A YAML program with one `TurnKeyLookup` of the seeded key. */
function oneLookup(pluginDir: string, keyId = KEY_ID): string {
  return `name: yaml-engine
runtime: yaml
${pluginsSection(pluginDir)}resources:
  key:
    type: cloudflare-turn-lookup:index:TurnKeyLookup
    properties:
      accountId: ${ACCOUNT_ID}
      keyId: ${keyId}
outputs:
  name: \${key.name}
`;
}

/** How many lines of human output are the message `text` itself: a warning's own line under Diagnostics, not the progress line that shows it too. */
function countIn(human: string, text: string): number {
  return human.split("\n").filter((line) => line.trim().startsWith(text)).length;
}

const CLEAR_TEXT =
  "warning: cloudflare-turn-lookup:apiToken is stored in the stack config in clear text (Pulumi.dev.yaml, which is usually committed). " +
  "Store it encrypted instead: pulumi config set --secret cloudflare-turn-lookup:apiToken <token>";

/** The plugin processes running from `pluginDir`. */
function pluginProcesses(pluginDir: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", path.join(pluginDir, "plugin.js")], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}

describe.skipIf(!cliPath)("the plugin in the engine's modes", () => {
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

  describe("one stack, its token switched between clear text and secret", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = workspaceOf("yaml-engine", { "Pulumi.yaml": oneLookup(install.pluginDir) }, cliPath!);
      await initPluginStack(ws, emulator);
      await ws.ok(["up", "--yes"]);
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it(
      "warns from the current config, once per preview and up, and never while the token is a secret",
      async () => {
        await ws.ok(["config", "set", "--plaintext", "cloudflare-turn-lookup:apiToken", CANARY_TOKEN]);
        const clearPreview = await ws.run(["preview"], { record: false });
        expect(clearPreview.code).toBe(0);
        expect(countIn(clearPreview.stdout, CLEAR_TEXT)).toBe(1);
        const clearUp = await ws.run(["up", "--yes"], { record: false });
        expect(clearUp.code).toBe(0);
        // Its preview and its update each warn once.
        expect(countIn(clearUp.stdout, CLEAR_TEXT)).toBe(2);

        await ws.ok(["config", "set", "--secret", "cloudflare-turn-lookup:apiToken", CANARY_TOKEN]);
        const secretPreview = await ws.ok(["preview"]);
        expect(secretPreview).not.toContain("clear text");
        const secretUp = await ws.ok(["up", "--yes"]);
        expect(secretUp).not.toContain("clear text");
        // The default provider's state keeps the token encrypted.
        const exported = await ws.ok(["stack", "export"]);
        expect(exported).not.toContain(CANARY_TOKEN);
        for (const text of ws.transcript) expect(text).not.toContain(CANARY_TOKEN);
      },
      E2E_TIMEOUT,
    );

    it(
      "under the engine's flags (--logflow -v=9 --logtostderr, --tracing), the warning still reaches the CLI, once",
      async () => {
        await ws.ok(["config", "set", "--plaintext", "cloudflare-turn-lookup:apiToken", CANARY_TOKEN]);
        try {
          const verbose = await ws.run(["preview", "--logflow", "-v=9", "--logtostderr"], { record: false });
          expect(verbose.code).toBe(0);
          // The engine passes these flags to the plugin before its address, where the engine log is.
          expect(countIn(verbose.stdout, CLEAR_TEXT)).toBe(1);
          const trace = path.join(ws.dir, "preview.trace");
          const traced = await ws.run(["preview", "--tracing", `file:${trace}`], { record: false });
          expect(traced.code).toBe(0);
          expect(countIn(traced.stdout, CLEAR_TEXT)).toBe(1);
        } finally {
          await ws.ok(["config", "set", "--secret", "cloudflare-turn-lookup:apiToken", CANARY_TOKEN]);
        }
      },
      E2E_TIMEOUT,
    );

    it(
      "refresh shows a key renamed in Cloudflare as an update, and the state gets the new values",
      async () => {
        emulator.store.rename(ACCOUNT_ID, KEY_ID, "renamed-app");
        try {
          const human = await ws.ok(["refresh", "--yes"]);
          expect(human).toMatch(/~ +cloudflare-turn-lookup:index:TurnKeyLookup key updated .*\[diff: ~modified,name\]/);
          expect(human).toMatch(/~ 1 updated/);
          const exported = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
          const key = exported.deployment.resources.find((r) => r.type === "cloudflare-turn-lookup:index:TurnKeyLookup");
          expect(key?.outputs).toMatchObject({ name: "renamed-app", uid: KEY_ID });
          // Nothing changed since: the next refresh shows nothing, and up changes nothing.
          expect(await ws.ok(["refresh", "--yes"])).toMatch(/2 unchanged/);
          const up = await ws.ok(["up", "--yes"]);
          expect(up).toMatch(/2 unchanged/);
          expect(up).toContain('~ name: "production-realtime-app" => "renamed-app"');
        } finally {
          emulator.store.rename(ACCOUNT_ID, KEY_ID, SEEDED.name);
        }
      },
      E2E_TIMEOUT,
    );

    it(
      "a plugin started by hand serves preview and up through PULUMI_DEBUG_PROVIDERS",
      async () => {
        const plugin = spawn(path.join(install.pluginDir, "pulumi-resource-cloudflare-turn-lookup"), [], { stdio: ["ignore", "pipe", "pipe"] });
        try {
          const port = await new Promise<string>((resolve, reject) => {
            plugin.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
            plugin.once("exit", (code) => reject(new Error(`the plugin exited ${code}`)));
          });
          expect(port).toMatch(/^\d+$/);
          const env = { PULUMI_DEBUG_PROVIDERS: `cloudflare-turn-lookup:${port}` };
          emulator.reset();
          const preview = await ws.run(["preview", "--diff"], { env });
          expect(preview.code).toBe(0);
          expect(preview.stdout).not.toContain("not implemented");
          const up = await ws.run(["up", "--yes", "--refresh"], { env });
          expect(up.code).toBe(0);
          // The key was renamed back since the last update: the plugin's refresh saw it.
          expect(up.stdout).toMatch(/cloudflare-turn-lookup:index:TurnKeyLookup key refresh .*\[diff: ~modified,name\]/);
          expect(up.stdout).toContain('~ name: "renamed-app" => "production-realtime-app"');
          // The engine spoke to the plugin it was pointed at: the reads came from it, and it still runs.
          expect(emulator.requests.length).toBeGreaterThan(0);
          expect(plugin.exitCode).toBeNull();
        } finally {
          plugin.kill();
        }
      },
      E2E_TIMEOUT,
    );
  });

  it(
    "mistyped config keys get a did-you-mean, as a warning and in the missing-credential error, never with their values",
    async () => {
      const ws = workspaceOf("yaml-typos", { "Pulumi.yaml": oneLookup(install.pluginDir) }, cliPath!);
      try {
        await ws.initStack(
          "dev",
          { "cloudflare-turn-lookup:baseURL": emulator.url, "cloudflare-turn-lookup:maxConcurency": "4" },
          { "cloudflare-turn-lookup:apitoken": CANARY_TOKEN },
        );
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        expect(out).toContain(
          "No Cloudflare credential found: set the stack secret cloudflare-turn-lookup:apiToken (pulumi config set --secret cloudflare-turn-lookup:apiToken <token>) " +
            'or the environment variable CLOUDFLARE_API_TOKEN. The token needs the "Calls Read" permission. ' +
            "cloudflare-turn-lookup:apitoken is set, but cloudflare-turn-lookup:apiToken is not: did you mean cloudflare-turn-lookup:apiToken? " +
            "Config keys are case-sensitive (pulumi config rm cloudflare-turn-lookup:apitoken, then set cloudflare-turn-lookup:apiToken).",
        );
        for (const [typo, meant] of [
          ["baseURL", "baseUrl"],
          ["maxConcurency", "maxConcurrency"],
        ]) {
          expect(countIn(r.stdout, `warning: cloudflare-turn-lookup:${typo} is set, but cloudflare-turn-lookup:${meant} is not: did you mean`)).toBe(1);
        }
        // The credential's near miss is named in the error, not warned about as well.
        expect(countIn(r.stdout, "warning: cloudflare-turn-lookup:apitoken")).toBe(0);
        expect(out).not.toMatch(STACK_LINE);
        expect(out).not.toContain(emulator.url);
        for (const text of ws.transcript) expect(text).not.toContain(CANARY_TOKEN);
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "one Ctrl-C during a slow read ends pulumi up within 5 s, naming the cancelled lookup, and leaves no plugin process",
    async () => {
      const ws = workspaceOf("yaml-cancel", { "Pulumi.yaml": oneLookup(install.pluginDir, OTHER_KEY_ID) }, cliPath!);
      let up: ChildProcess | undefined;
      try {
        await initPluginStack(ws, emulator);
        emulator.reset();
        emulator.setConditions({ latencyMs: 60_000 });
        up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: ws.dir, env: cliEnvironment(cliPath!, ws.dir) });
        let out = "";
        up.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        up.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        const exited = new Promise<number | null>((resolve) => up!.once("exit", (code) => resolve(code)));
        await until(() => emulator.requests.some((r) => r.path.endsWith(`/turn_keys/${OTHER_KEY_ID}`)), "the plugin's GET reached the emulator", 60_000);
        const sent = Date.now();
        up.kill("SIGINT");
        const code = await exited;
        const seconds = (Date.now() - sent) / 1000;
        expect(seconds).toBeLessThan(5);
        expect(code).not.toBe(0);
        expect(out).toContain("^C received; cancelling");
        expect(out).toContain(`The TURN key lookup was cancelled (account ${ACCOUNT_ID}, key ${OTHER_KEY_ID})`);
        expect(out).not.toContain("timeoutMs");
        expect(out).not.toMatch(STACK_LINE);
        await until(() => pluginProcesses(install.pluginDir).length === 0, "no plugin process is left", 5_000);
      } finally {
        up?.kill("SIGKILL");
        emulator.setConditions({});
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "inputs not known in preview: preview plans the lookup with unknown outputs, up reads the key once known; the placeholder is never shown",
    async () => {
      // A Node.js program with a resource that makes the account id only when created, as an account or zone resource would.
      const program = `const pulumi = require("@pulumi/pulumi");
class AccountSource extends pulumi.dynamic.Resource {
  constructor(name, value) {
    super({ async create(inputs) { return { id: "account", outs: { accountId: inputs.value } }; } }, name, { value, accountId: undefined });
  }
}
const account = new AccountSource("account", "${ACCOUNT_ID}");
const outputs = { name: undefined, uid: undefined, created: undefined, modified: undefined };
const plain = new pulumi.CustomResource("cloudflare-turn-lookup:index:TurnKeyLookup", "plain", { accountId: account.accountId, keyId: "${KEY_ID}", ...outputs });
const secret = new pulumi.CustomResource("cloudflare-turn-lookup:index:TurnKeyLookup", "secret", {
  accountId: pulumi.secret(account.accountId),
  keyId: account.accountId.apply(() => "${OTHER_KEY_ID}"),
  ...outputs,
});
exports.plainName = plain.name;
exports.secretName = secret.name;
`;
      const ws = workspaceOf(
        "node-unknown",
        {
          "Pulumi.yaml": `name: node-unknown\nruntime: nodejs\n${pluginsSection(install.pluginDir)}`,
          "index.js": program,
          "package.json": JSON.stringify({ name: "node-unknown", main: "index.js" }),
        },
        cliPath!,
      );
      // The program's SDK: this checkout's, as an installed dependency.
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(ws.dir, "node_modules"), "dir");
      try {
        await initPluginStack(ws, emulator);
        emulator.reset();
        const preview = await ws.run(["preview"]);
        expect(preview.code).toBe(0);
        expect(preview.stdout).toMatch(/\+ +cloudflare-turn-lookup:index:TurnKeyLookup +plain +create/);
        expect(preview.stdout).toContain("plainName : [unknown]");
        expect(preview.stdout).toContain("secretName: [unknown]");
        expect(emulator.requests).toEqual([]);
        const up = await ws.run(["up", "--yes", "--skip-preview"]);
        expect(up.code).toBe(0);
        expect(up.stdout).toContain('plainName : "production-realtime-app"');
        expect(up.stdout).toMatch(/secretName: \[secret\]/);
        expect(emulator.requests.map((r) => r.path).sort()).toEqual([
          `/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${OTHER_KEY_ID}`,
          `/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`,
        ]);
        for (const text of [preview.stdout, preview.stderr, up.stdout, up.stderr]) {
          expect(text).not.toContain(UNKNOWN_MARKER);
          expect(text).not.toMatch(STACK_LINE);
        }
      } finally {
        ws.remove();
      }
    },
    E2E_TIMEOUT,
  );
});
