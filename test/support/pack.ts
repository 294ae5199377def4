import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root. */
export const REPO = path.resolve(__dirname, "../..");

/** Where the test run's global setup leaves the tarball's path for the test processes it starts. */
export const PACKED_TARBALL_ENV = "TURN_LOOKUP_PACKED_TARBALL";

let tarball: string | undefined;

/**
 * Packs this package with `npm pack`, once per process, and returns the
 * tarball's path. The test run's global setup calls it (and loads no part of
 * vitest's test API, which global setup cannot use); the benchmarks too.
 */
export function packOnce(): string {
  if (!tarball) {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-pack-"));
    const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: REPO, encoding: "utf8" });
    tarball = path.join(dest, out.trim().split("\n").at(-1)!);
  }
  return tarball;
}
