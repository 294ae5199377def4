// scripts/pulumi.mjs: one clear message when Go is missing or too old, and
// progress lines with the phase, the time and Go's count while it builds.
// A stand-in `go` on PATH plays Go, so these run in seconds.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../support/packed";

const SCRIPT = path.join(REPO, "scripts/pulumi.mjs");

/** A folder with a stand-in `go` that reports `version` and takes `seconds` per build step. */
function fakeGo(version: string, seconds = 0): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-go-"));
  fs.writeFileSync(
    path.join(dir, "go"),
    `#!/bin/sh
case "$1" in
  env) echo "go${version}" ;;
  mod) for i in 1 2 3; do sleep ${seconds / 3}; echo "# get https://proxy.example/m$i/@v/v1.0.0.zip: 200 OK (0.1s)" >&2; done ;;
  list) printf 'a\\nb\\nc\\nd\\n' ;;
  build) for p in a b c; do sleep ${seconds / 3}; echo "example.com/$p" >&2; done
         while [ "$1" != "-o" ]; do shift; done; touch "$2" ;;
esac
`,
    { mode: 0o755 },
  );
  return dir;
}

function run(goDir: string | undefined, extraEnv: Record<string, string> = {}) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "cli-cache-"));
  const PATH = [goDir, path.dirname(process.execPath), "/usr/bin", "/bin"].filter(Boolean).join(path.delimiter);
  const r = spawnSync(process.execPath, [SCRIPT, "--bin-dir"], {
    cwd: REPO,
    encoding: "utf8",
    env: { HOME: os.homedir(), PATH, PULUMI_TURN_LOOKUP_CLI_CACHE: cache, PULUMI_TURN_LOOKUP_CLI_TOOLS: "pulumi-cli", ...extraEnv },
  });
  fs.rmSync(cache, { recursive: true, force: true });
  return r;
}

describe("scripts/pulumi.mjs", () => {
  it("without Go: one message with the fix, and exit 2", () => {
    const r = run(undefined);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "[pulumi-cli] Go is not installed; it is needed once, to build the Pulumi CLI from its Go modules. Install Go 1.25.11 or newer (https://go.dev/dl/, or your package manager), or put a Pulumi CLI on PATH.",
    ]);
  });

  it("with a Go too old: one message naming both versions, and exit 2", () => {
    const r = run(fakeGo("1.20.3"));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "[pulumi-cli] Go 1.20.3 is too old to build the Pulumi CLI v3.248.0: it needs Go 1.25.11. Install Go 1.25.11 or newer (https://go.dev/dl/, or your package manager), or put a Pulumi CLI on PATH.",
    ]);
  });

  it("while building: the phase, the elapsed time and Go's count, at every interval", () => {
    const r = run(fakeGo("1.26.8", 1.5), { PULUMI_TURN_LOOKUP_PROGRESS_MS: "400" });
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n");
    for (const phase of [
      "downloading the Go modules of the CLI",
      "compiling the CLI v3.248.0 (packages)",
      "downloading the Go modules of the Node.js language host",
      "compiling the Node.js language host v3.68.0 (packages)",
    ]) {
      expect(lines).toContain(`[pulumi-cli] ${phase}...`);
      expect(lines.some((l) => new RegExp(`^\\[pulumi-cli\\] ${phase.replace(/[()]/g, "\\$&")}: \\d+ s(, [\\d,]+ of [\\d,]+)?$`).test(l))).toBe(true);
      expect(lines.some((l) => l.startsWith(`[pulumi-cli] ${phase}: done in`))).toBe(true);
    }
    expect(lines.some((l) => /^\[pulumi-cli\] compiling the CLI v3\.248\.0 \(packages\): \d+ s, [1-3] of 4$/.test(l))).toBe(true);
    expect(r.stdout.trim()).toMatch(/pulumi-v3\.248\.0-[0-9a-f]{12}\/bin$/);
  }, 60_000);
});
