// A platform team's Automation API host (test/e2e/automation/host.js) in its
// own Node.js process, installed with the packed package as a user installs
// it, and driven one JSON line per command.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { cliEnvironment } from "../e2e/harness";
import { REPO, installPackedAsync } from "./packed";

/** One stack's settings, as the host sets them in the stack's config. */
export interface StackSettings {
  accountId: string;
  keyId: string;
  baseUrl: string;
  apiToken: string;
  /** Whether `cloudflare:apiToken` is set as a secret. */
  tokenSecret: boolean;
  /** Whether the program adds a `TurnKeyLookup` beside its function lookups. */
  withResource: boolean;
  /** A baseline: the program makes no lookup at all. */
  withoutLookups?: boolean;
}

/** One `pulumi up` or `pulumi preview` the host ran. */
export interface RunResult {
  stack: string;
  ok: boolean;
  outputs?: Record<string, unknown>;
  /** What the CLI printed (its human output). */
  output: string;
  error?: string;
}

/** What the host process holds: active handles by kind, and its heap after a full collection. */
export interface Holdings {
  kinds: Record<string, number>;
  heapUsed: number;
}

/** One run to do. */
export interface RunRequest {
  op: "up" | "preview";
  stack: string;
  settings: StackSettings;
}

/** `n` previews alternating between stacks `a` and `b`. */
export function alternatingPreviews(n: number, a: StackSettings, b: StackSettings): RunRequest[] {
  return Array.from({ length: n }, (_, i) => ({ op: "preview" as const, stack: i % 2 ? "b" : "a", settings: i % 2 ? b : a }));
}

/** The running host. */
export class AutomationHost {
  private next = 0;
  private readonly waiting = new Map<number, (answer: { result?: unknown; error?: string }) => void>();
  private stderr = "";

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly dir: string,
  ) {
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const answer = JSON.parse(line) as { id: number; result?: unknown; error?: string };
      this.waiting.get(answer.id)?.(answer);
    });
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  private async send<T>(command: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    const answer = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
    if (answer.error) throw new Error(`host: ${answer.error}\n${this.stderr}`);
    return answer.result as T;
  }

  /** Runs `runs` one after another, or all at once. */
  runs(runs: RunRequest[], concurrent = false): Promise<RunResult[]> {
    return this.send({ op: "runs", runs, concurrent });
  }

  /** What the host holds once its runs' idle connections have had time to close. */
  holdings(settleMs = 1_500): Promise<Holdings> {
    return this.send({ op: "holdings", settleMs });
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Installs the host with the packed package in a temporary folder (its
 * `workDir`) and starts it, with a local backend, from `cwd`: by default
 * another folder, as a platform's service starts it wherever it runs.
 */
export async function startAutomationHost(cliDir: string, cwd = os.tmpdir()): Promise<AutomationHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-automation-"));
  fs.copyFileSync(path.join(REPO, "test/e2e/automation/host.js"), path.join(dir, "host.js"));
  // What an earlier run of a host without projectSettings, started from "/", left behind: it must not break this one.
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: automation-host\nruntime: nodejs\nmain: /\n");
  await installPackedAsync(dir);
  const env = cliEnvironment(cliDir, dir);
  return new AutomationHost(spawn(process.execPath, ["--expose-gc", path.join(dir, "host.js")], { cwd, env }), dir);
}
