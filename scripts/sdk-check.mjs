#!/usr/bin/env node
// @ts-check
// Regenerates the SDKs from provider/plugin/schema.json into a scratch
// folder and fails on any difference from sdk/: the checked-in SDKs are
// exactly what the schema generates.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-check-"));
try {
  // The Go SDK's go.mod and go.sum are written by hand, not generated: carry them over (checked below with go mod tidy -diff).
  fs.mkdirSync(path.join(scratch, "go"), { recursive: true });
  for (const f of ["go.mod", "go.sum"]) fs.copyFileSync(path.join(REPO, "sdk", "go", f), path.join(scratch, "go", f));
  execFileSync("go", ["-C", path.join(REPO, "tools", "sdkgen"), "run", ".", path.join(REPO, "provider", "plugin", "schema.json"), scratch], {
    stdio: "inherit",
  });
  // What is in the repository: tracked files and new ones not ignored (a local pip install leaves build output behind).
  const checkedIn = path.join(os.tmpdir(), `${path.basename(scratch)}-repo`);
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "sdk"], { cwd: REPO, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(REPO, file))) continue;
    fs.mkdirSync(path.dirname(path.join(checkedIn, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(checkedIn, file));
  }
  const diff = spawnSync("diff", ["-r", "-u", path.join(checkedIn, "sdk"), scratch], { encoding: "utf8" });
  fs.rmSync(checkedIn, { recursive: true, force: true });
  if (diff.status !== 0) {
    process.stderr.write(
      `${diff.stdout}${diff.stderr}\nThe SDKs under sdk/ differ from what provider/plugin/schema.json generates: run npm run sdk, and commit the result.\n`,
    );
    process.exit(1);
  }
  // go.mod and go.sum are written by hand: they must be exactly what the generated code needs, with nothing missing or left over.
  const tidy = spawnSync("go", ["-C", path.join(REPO, "sdk", "go"), "mod", "tidy", "-diff"], { encoding: "utf8" });
  if (tidy.status !== 0) {
    process.stderr.write(
      `${tidy.stdout}${tidy.stderr}\nsdk/go's go.mod or go.sum is not what the Go SDK needs: run go mod tidy in sdk/go, and commit the result.\n`,
    );
    process.exit(1);
  }
  process.stdout.write("sdk/ is what the schema generates, and sdk/go's go.mod and go.sum are tidy.\n");
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
