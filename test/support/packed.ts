import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKED_TARBALL_ENV, REPO, packOnce } from "./pack";

export { REPO };

/** The tarball the test run's global setup packed (or, outside a test run, one packed now). */
export function packedTarball(): string {
  return process.env[PACKED_TARBALL_ENV] ?? packOnce();
}

/** The version of `@pulumi/pulumi` installed here: the test lane's. */
export function installedPulumiVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/**
 * Makes `dir` a Node project that has this package installed from its packed
 * tarball, as a user's stack has it, beside the `@pulumi/pulumi` this
 * repository's tests run on (the lane's), and anything in `extra`.
 */
export function installPacked(dir: string, extra: Record<string, string> = {}): void {
  writeDependencies(dir, extra);
  execFileSync("npm", NPM_INSTALL, { cwd: dir, stdio: "pipe" });
}

/**
 * {@link installPacked} without blocking the event loop, for installs inside
 * a test: a worker blocked for a minute misses vitest's heartbeats.
 */
export async function installPackedAsync(dir: string, extra: Record<string, string> = {}): Promise<void> {
  writeDependencies(dir, extra);
  const r = await runCommand("npm", NPM_INSTALL, dir);
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed:\n${r.output}`);
}

function writeDependencies(dir: string, extra: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  const pkgFile = path.join(dir, "package.json");
  const pkg = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as Record<string, unknown>) : { name: path.basename(dir), private: true };
  pkg.dependencies = {
    ...(pkg.dependencies as Record<string, string> | undefined),
    "pulumi-cloudflare-turn-lookup": `file:${packedTarball()}`,
    "@pulumi/pulumi": installedPulumiVersion(),
    ...extra,
  };
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
}

/** Runs a command without blocking the event loop; resolves with its exit status and everything it printed. */
export function runCommand(command: string, args: readonly string[], cwd: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, output }));
  });
}
