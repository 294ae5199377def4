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

/**
 * Makes `dir` a Node project that has this package installed from its packed
 * tarball, as a user's stack has it, plus `@pulumi/pulumi` at the version
 * this repository pins (and anything in `extra`).
 */
export function installPacked(dir: string, extra: Record<string, string> = {}): void {
  const pinned = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  fs.mkdirSync(dir, { recursive: true });
  const pkgFile = path.join(dir, "package.json");
  const pkg = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as Record<string, unknown>) : { name: path.basename(dir), private: true };
  pkg.dependencies = {
    ...(pkg.dependencies as Record<string, string> | undefined),
    "pulumi-cloudflare-turn-lookup": `file:${packedTarball()}`,
    "@pulumi/pulumi": pinned.devDependencies["@pulumi/pulumi"]!,
    ...extra,
  };
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
}
