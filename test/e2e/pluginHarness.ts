// What the provider plugin's end-to-end tests share: the CLI with the
// language hosts beside it, the plugin installed from the packed tarball as
// a user installs it, and projects written from files.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO, installPackedAsync } from "../support/packed";
import { Workspace, findCliDir } from "./harness";

/** The language hosts a test needs besides Node.js. */
type Language = "yaml" | "python" | "go";

/**
 * The PATH entries of the CLI with `languages`' hosts beside it, or
 * `undefined` where there is no CLI (the suite then skips, as the other
 * end-to-end suites do; CI never lacks it). The lanes build the hosts
 * before the tests; here they are only found, or built on a developer's first run.
 */
export function cliWithHosts(languages: readonly Language[]): string | undefined {
  if (!findCliDir()) return undefined;
  return execFileSync(process.execPath, [path.join(REPO, "scripts/pulumi.mjs"), "--bin-dir", languages.join(",")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

/**
 * The Python virtual environment (pulumi from PyPI) with the generated SDK
 * installed as a Python team installs a published one: built as a wheel by
 * PyPI's `build` (from a copy of sdk/python, so the checkout gets no build
 * output), then `pip install <wheel>`.
 */
export function pythonWithSdk(): string {
  const venv = execFileSync(process.execPath, [path.join(REPO, "scripts/pulumi.mjs"), "--python-venv"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-python-sdk-"));
  try {
    fs.cpSync(path.join(REPO, "sdk", "python"), path.join(work, "src"), { recursive: true });
    // No isolation: the venv's pinned setuptools builds it, with nothing fetched per build.
    execFileSync(path.join(venv, "bin", "python"), ["-m", "build", "--wheel", "--no-isolation", "--outdir", path.join(work, "dist"), path.join(work, "src")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const [wheel] = fs.readdirSync(path.join(work, "dist")).filter((f) => f.endsWith(".whl"));
    if (wheel === undefined) throw new Error("python -m build wrote no wheel");
    execFileSync(
      path.join(venv, "bin", "pip"),
      ["install", "--quiet", "--disable-pip-version-check", "--no-deps", "--force-reinstall", path.join(work, "dist", wheel)],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return venv;
}

/** This machine's platform as the engine names it in a plugin archive's name: `linux-amd64`, … */
export const PLATFORM = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;

/** The download URL the schema and the SDKs name. */
export const DOWNLOAD_URL = "github://api.github.com/pulumi-cloudflare-turn-lookup/pulumi-cloudflare-turn-lookup";

/** A local HTTP server holding the plugin archives of `npm run plugin:archive`, as a release would. */
export interface ArchiveServer {
  /** The environment that points the engine's download of {@link DOWNLOAD_URL} at this server, with automatic plugin acquisition on. */
  readonly env: NodeJS.ProcessEnv;
  /** The paths asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Writes the plugin's archives with scripts/plugin-archive.mjs and serves them on a loopback port. */
export async function serveArchives(): Promise<ArchiveServer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-archives-"));
  execFileSync(process.execPath, [path.join(REPO, "scripts/plugin-archive.mjs"), folder], { stdio: ["ignore", "ignore", "inherit"] });
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    requests.push(`/${name}`);
    const file = path.join(folder, path.basename(name));
    if (!fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/gzip", "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${DOWNLOAD_URL.replace(/[.]/g, "\\.")}=http://127.0.0.1:${port}`,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
      // A plugin on PATH would otherwise be used instead of the one installed.
      PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    },
    requests,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Installs the package from its packed tarball into a fresh folder, as a
 * YAML or Python team installs it, and returns the plugin's folder in it:
 * what `plugins.providers[].path` names.
 */
export async function installedPlugin(): Promise<{ dir: string; pluginDir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-plugin-"));
  await installPackedAsync(dir);
  return { dir, pluginDir: path.join(dir, "node_modules", "pulumi-cloudflare-turn-lookup", "dist", "plugin") };
}

/** The `plugins:` section of a Pulumi.yaml that runs the plugin from `pluginDir`. */
export function pluginsSection(pluginDir: string): string {
  return `plugins:\n  providers:\n    - name: cloudflare-turn-lookup\n      path: ${pluginDir}\n`;
}

/** A project in a temporary folder, made of `files` (a Pulumi.yaml among them), run with the CLI at `cliPath`. */
export function workspaceOf(name: string, files: Record<string, string>, cliPath: string): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `turn-lookup-e2e-${name}-`));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return new Workspace(dir, cliPath);
}

/** Lines of a stack trace (`    at f (file:1:2)`), which no failure of a lookup may print. */
export const STACK_LINE = /^\s+at .+[(:]\d+/m;

/** The key every plugin test seeds, as the emulator serves it. */
export const SEEDED = {
  accountId: ACCOUNT_ID,
  uid: KEY_ID,
  name: "production-realtime-app",
  created: "2024-05-01T10:00:00Z",
  modified: "2024-05-02T11:00:00Z",
};

/** Creates the stack `dev` with the plugin pointed at `emulator`, and the token stored as a secret. */
export function initPluginStack(ws: Workspace, emulator: RunningEmulator, config: Record<string, string> = {}, token = CANARY_TOKEN): Promise<void> {
  return ws.initStack("dev", { "cloudflare-turn-lookup:baseUrl": emulator.url, ...config }, { "cloudflare-turn-lookup:apiToken": token });
}

/**
 * Runs `fn` with the stack's token set to `token` in clear text, then sets the
 * right one back as a secret. In clear text, the engine masks nothing: the
 * token in any message of the plugin's would show.
 */
export async function withToken<T>(ws: Workspace, token: string, fn: () => Promise<T>): Promise<T> {
  await ws.ok(["config", "set", "--plaintext", "cloudflare-turn-lookup:apiToken", token]);
  try {
    return await fn();
  } finally {
    await ws.ok(["config", "set", "--secret", "cloudflare-turn-lookup:apiToken", CANARY_TOKEN]);
  }
}

/** The outputs of the stack's `TurnKeyLookup` in its state. */
async function lookupOutputs(ws: Workspace): Promise<Record<string, unknown> | undefined> {
  const stack = JSON.parse(await ws.ok(["stack", "export"])) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
  return stack.deployment.resources.find((r) => r.type === "cloudflare-turn-lookup:index:TurnKeyLookup")?.outputs;
}

/** The name {@link refreshAfterRename} gives the seeded key. */
export const RENAMED = "renamed-app";

/** Renames the seeded key in `emulator` to {@link RENAMED}, runs `pulumi refresh`, and returns the state's lookup outputs; the name is put back after. */
export async function refreshAfterRename(ws: Workspace, emulator: RunningEmulator): Promise<Record<string, unknown> | undefined> {
  emulator.store.rename(ACCOUNT_ID, KEY_ID, RENAMED);
  try {
    await ws.ok(["refresh", "--yes"]);
    return await lookupOutputs(ws);
  } finally {
    emulator.store.rename(ACCOUNT_ID, KEY_ID, SEEDED.name);
  }
}
