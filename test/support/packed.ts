import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root. */
export const REPO = path.resolve(__dirname, "../..");

let tarball: string | undefined;

/** Packs this package with `npm pack` (once per test process) and returns the tarball's path. */
export function packedTarball(): string {
  if (!tarball) {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-pack-"));
    const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: REPO, encoding: "utf8" });
    tarball = path.join(dest, out.trim().split("\n").at(-1)!);
  }
  return tarball;
}

/** The version of `@pulumi/pulumi` installed here: the test lane's. */
export function installedPulumiVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

/**
 * Makes `dir` a Node project that has this package installed from its packed
 * tarball, as a user's stack has it, beside the `@pulumi/pulumi` this
 * repository's tests run on (the lane's), and anything in `extra`.
 */
export function installPacked(dir: string, extra: Record<string, string> = {}): void {
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
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
}
