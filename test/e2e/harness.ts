import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isCI } from "../../scripts/ci.cjs";
import { REPO, installPacked } from "../support/packed";

const HOW_TO_GET_THE_CLI =
  "the Pulumi CLI was not found: run `npm run pulumi -- version` once (it builds the CLI from Go modules into a cache), or put `pulumi` on PATH";

/**
 * The directory of the Pulumi CLI, or `undefined` (the suite then skips).
 * Never builds it: `.ci/run` does that before the tests. Under CI (any
 * `CI` but "", "0" or "false") a missing CLI is an error, so CI can never
 * pass without the engine tests.
 */
export function findCliDir(): string | undefined {
  const r = spawnSync(process.execPath, [path.join(REPO, "scripts/pulumi.mjs"), "--find"], { encoding: "utf8" });
  const dir = r.status === 0 ? r.stdout.trim() : undefined;
  if (!dir) {
    if (isCI()) throw new Error(`CI=${process.env.CI} and ${HOW_TO_GET_THE_CLI}`);
    console.warn(`Skipping the end-to-end suite: ${HOW_TO_GET_THE_CLI}.`);
  }
  return dir;
}

/** The proxy variables a runner may have set: the tests start without them, and set their own. */
const PROXY_VARIABLES = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"];

/**
 * The environment of the CLI for a project in `dir`: the CLI first on PATH,
 * a local file backend and Pulumi home inside `dir`, a throwaway passphrase,
 * nothing fetched from outside, no CLOUDFLARE_* variable, so that the
 * stack's config is the only source of credentials, and none of the
 * runner's proxy variables, so that emulator traffic goes direct unless a
 * test sets its own.
 */
export function cliEnvironment(cliDir: string, dir: string): NodeJS.ProcessEnv {
  const backendDir = path.join(dir, ".state");
  fs.mkdirSync(backendDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_HOME: path.join(dir, ".pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
  };
  for (const k of Object.keys(env)) if (k.startsWith("CLOUDFLARE_") || PROXY_VARIABLES.includes(k)) delete env[k];
  return env;
}

/** What one CLI command did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A stack project in a temporary directory, with this package installed from
 * its `npm pack` tarball, a local file backend and a throwaway passphrase.
 */
export class Workspace {
  /** Everything every command printed, for leak scans. */
  readonly transcript: string[] = [];
  readonly backendDir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly dir: string,
    cliDir: string,
  ) {
    this.backendDir = path.join(dir, ".state");
    this.env = cliEnvironment(cliDir, dir);
  }

  /**
   * Creates a project named `name` from `program` (an index.ts) and installs
   * the packed package into its own node_modules, as a user would.
   */
  static create(name: string, program: string, cliDir: string): Workspace {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `turn-lookup-e2e-${name}-`));
    // The program sits in a folder of its own beside the resources the test
    // stacks share, as in this repository: stacks import "../shared/resources".
    fs.mkdirSync(path.join(dir, "program"));
    fs.mkdirSync(path.join(dir, "shared"));
    fs.copyFileSync(program, path.join(dir, "program/index.ts"));
    fs.copyFileSync(path.join(REPO, "test/e2e/stacks/shared/resources.ts"), path.join(dir, "shared/resources.ts"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: program/index.ts\n`);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", esModuleInterop: true, skipLibCheck: true },
        files: ["program/index.ts"],
      }),
    );
    installPacked(dir, { typescript: "5.9.3", "@types/node": "^20.19.0" });
    return new Workspace(dir, cliDir);
  }

  /**
   * Runs `pulumi <args> --non-interactive`, with `env` added to the
   * workspace's environment. Asynchronous, so that an emulator running in the
   * test's own process keeps answering meanwhile. Output is kept for leak
   * scans unless `record` is false (for deliberate secret reads).
   */
  run(args: string[], { record = true, env = {} }: { record?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: { ...this.env, ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        if (record) this.transcript.push(stdout, stderr);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** Runs a command that must succeed; returns its stdout. */
  async ok(args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Creates and selects a stack with the given config (keys in `secrets` are set as secrets), in one `config set-all`. */
  async initStack(stack: string, config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", stack]);
    const pairs = (flag: string, values: Record<string, string>) => Object.entries(values).flatMap(([k, v]) => [flag, `${k}=${v}`]);
    const args = [...pairs("--plaintext", config), ...pairs("--secret", secrets)];
    if (args.length > 0) await this.ok(["config", "set-all", ...args]);
  }

  /** Every file the local backend wrote, as text; a check over them must have something to check, so none is an error. */
  backendFiles(): { file: string; text: string }[] {
    const out: { file: string; text: string }[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push({ file: p, text: readMaybeGzip(p) });
      }
    };
    walk(this.backendDir);
    if (!out.some((f) => /\.json(\.gz)?$/.test(f.file))) throw new Error(`the backend in ${this.backendDir} holds no state file`);
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function readMaybeGzip(file: string): string {
  const buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) return execFileSync("gzip", ["-dc", file], { encoding: "utf8" });
  return buf.toString("utf8");
}
