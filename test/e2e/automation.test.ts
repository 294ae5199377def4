// The Automation API: one host process runs inline programs of two stacks,
// one after another and at the same time, each with its own token and its
// own emulator (which accepts only that token). Every run must read through
// its own stack's settings, see changes made since an earlier run, and warn
// about its own clear-text token; the host must not accumulate handles.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO, installPackedAsync } from "../support/packed";
import { findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 300_000;
const TOKEN_B = "token-of-stack-b-0d6f1e2a9c";

interface StackSettings {
  accountId: string;
  keyId: string;
  baseUrl: string;
  apiToken: string;
  tokenSecret: boolean;
  withResource: boolean;
}

interface RunResult {
  stack: string;
  ok: boolean;
  outputs?: Record<string, unknown>;
  output: string;
  error?: string;
}

interface Holdings {
  kinds: Record<string, number>;
  heapUsed: number;
}

/** The host process, spoken to one JSON line per command. */
class Host {
  private next = 0;
  private readonly waiting = new Map<number, (answer: { result?: unknown; error?: string }) => void>();
  stderr = "";

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const answer = JSON.parse(line) as { id: number; result?: unknown; error?: string };
      this.waiting.get(answer.id)?.(answer);
    });
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  async send<T>(command: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    const answer = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
    if (answer.error) throw new Error(`host: ${answer.error}\n${this.stderr}`);
    return answer.result as T;
  }

  runs(runs: { op: "up" | "preview"; stack: string; settings: StackSettings }[], concurrent = false): Promise<RunResult[]> {
    return this.send({ op: "runs", runs, concurrent });
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

let emulatorA: RunningEmulator;
let emulatorB: RunningEmulator;
let dir: string;
let host: Host;
let a: StackSettings;
let b: StackSettings;

function clearTextWarning(stack: string): string {
  return `cloudflare:apiToken is stored in the stack config in clear text (Pulumi.${stack}.yaml, which is usually committed). Store it encrypted instead: pulumi config set --secret cloudflare:apiToken <token>`;
}

/** The values a run of stack `a` or `b` must have read: each from its own emulator. */
function expectOwnValues(result: RunResult, name: string, listed: string[], withResource: boolean): void {
  expect(result.error).toBeUndefined();
  expect(result.ok).toBe(true);
  expect(result.outputs).toEqual({ functionName: name, listed, ...(withResource ? { resourceName: name } : {}) });
}

describe.skipIf(!cliDir)("the Automation API: many stacks in one process", () => {
  beforeAll(async () => {
    // Same account and key ids, different names: a run that read the other stack's emulator would show the other name.
    emulatorA = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "key-of-a" }] } });
    emulatorB = await startEmulator({ token: TOKEN_B, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "key-of-b" }, { accountId: ACCOUNT_ID, name: "second-of-b" }] } });
    a = { accountId: ACCOUNT_ID, keyId: KEY_ID, baseUrl: emulatorA.url, apiToken: CANARY_TOKEN, tokenSecret: true, withResource: true };
    b = { accountId: ACCOUNT_ID, keyId: KEY_ID, baseUrl: emulatorB.url, apiToken: TOKEN_B, tokenSecret: false, withResource: true };

    dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-automation-"));
    fs.copyFileSync(path.join(REPO, "test/e2e/automation/host.js"), path.join(dir, "host.js"));
    await installPackedAsync(dir);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
      PULUMI_CONFIG_PASSPHRASE: "automation-passphrase",
      PULUMI_HOME: path.join(dir, ".pulumi-home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    for (const k of Object.keys(env)) if (k.startsWith("CLOUDFLARE_")) delete env[k];
    fs.mkdirSync(path.join(dir, ".state"));
    host = new Host(spawn(process.execPath, ["--expose-gc", "host.js"], { cwd: dir, env }));
  }, E2E_TIMEOUT);
  afterAll(async () => {
    host?.stop();
    await Promise.all([emulatorA?.close(), emulatorB?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs one after another: every form of each stack reads through its own token and base URL", async () => {
    const [first, second, third] = await host.runs([
      { op: "up", stack: "a", settings: a },
      { op: "up", stack: "b", settings: b },
      { op: "up", stack: "a", settings: a },
    ]);
    expectOwnValues(first!, "key-of-a", ["key-of-a"], true);
    expectOwnValues(second!, "key-of-b", ["key-of-b", "second-of-b"], true);
    expectOwnValues(third!, "key-of-a", ["key-of-a"], true);
    // Each emulator accepts only its own token: nothing was refused, and each was asked.
    for (const emulator of [emulatorA, emulatorB]) {
      expect(emulator.requests.length).toBeGreaterThan(0);
      expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
    }
    // The token in clear is stack b's: its run warns, naming its own config file; stack a's runs do not.
    expect(second!.output).toContain(clearTextWarning("b"));
    expect(first!.output).not.toContain("clear text");
    expect(third!.output).not.toContain("clear text");
    for (const r of [first, second, third]) expect(r!.output).not.toContain(CANARY_TOKEN);
  }, E2E_TIMEOUT);

  it("runs at the same time: each still reads its own, and b warns in this run too", async () => {
    emulatorA.reset();
    emulatorB.reset();
    const results = await host.runs(
      [
        { op: "up", stack: "a", settings: a },
        { op: "up", stack: "b", settings: b },
      ],
      true,
    );
    expectOwnValues(results[0]!, "key-of-a", ["key-of-a"], true);
    expectOwnValues(results[1]!, "key-of-b", ["key-of-b", "second-of-b"], true);
    expect(results[1]!.output).toContain(clearTextWarning("b"));
    expect(results[0]!.output).not.toContain("clear text");
    expect([...emulatorA.requests, ...emulatorB.requests].every((r) => r.status === 200)).toBe(true);
  }, E2E_TIMEOUT);

  it("a later run sees a key renamed since the earlier run, in the function and the resource form", async () => {
    emulatorA.store.rename(ACCOUNT_ID, KEY_ID, "renamed-key-of-a");
    const [result] = await host.runs([{ op: "up", stack: "a", settings: a }]);
    expectOwnValues(result!, "renamed-key-of-a", ["renamed-key-of-a"], true);
  }, E2E_TIMEOUT);

  it("holds no more handles after many runs than after a few", async () => {
    const previews = (n: number) => Array.from({ length: n }, (_, i) => ({ op: "preview" as const, stack: i % 2 ? "b" : "a", settings: { ...(i % 2 ? b : a), withResource: false } }));
    const results = await host.runs(previews(4));
    expect(results.every((r) => r.ok)).toBe(true);
    const after4 = await host.send<Holdings>({ op: "holdings", settleMs: 1_500 });
    const more = await host.runs(previews(12));
    expect(more.every((r) => r.ok)).toBe(true);
    const after16 = await host.send<Holdings>({ op: "holdings", settleMs: 1_500 });
    // No socket kept from any run's lookups, and nothing else piling up.
    expect(after16.kinds.TCPSocketWrap ?? 0).toBeLessThanOrEqual(after4.kinds.TCPSocketWrap ?? 0);
    expect(Object.values(after16.kinds).reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(Object.values(after4.kinds).reduce((x, y) => x + y, 0));
    console.log(`host holdings after 4 runs: ${JSON.stringify(after4)}; after 16: ${JSON.stringify(after16)}`);
  }, E2E_TIMEOUT);
});
