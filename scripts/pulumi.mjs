#!/usr/bin/env node
// Runs the Pulumi CLI: `npm run pulumi -- <args>`.
//
// Uses `pulumi` from PATH when there is one; otherwise a build cached outside
// the repository; otherwise builds it from the Go modules pinned under
// tools/ (the CLI's own installer downloads from a host these machines
// cannot reach, but the CLI is an ordinary Go module).
//
//   node scripts/pulumi.mjs <args...>   run the CLI with these arguments
//   node scripts/pulumi.mjs --bin-dir   resolve (building if needed) and print the directory to put on PATH
//   node scripts/pulumi.mjs --find      print that directory only if a CLI is already there (exit 1 if not)
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOOLS = path.join(REPO, "tools");
const log = (msg) => process.stderr.write(`[pulumi-cli] ${msg}\n`);

/** The engine version pinned in tools/pulumi-cli/go.mod. */
function pinnedVersion() {
  const gomod = fs.readFileSync(path.join(TOOLS, "pulumi-cli/go.mod"), "utf8");
  const m = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v[\d.]+)/.exec(gomod);
  if (!m) throw new Error("tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
  return m[1];
}

/** The language host version pinned in tools/pulumi-language-nodejs/go.mod. */
function languageHostVersion() {
  const gomod = fs.readFileSync(path.join(TOOLS, "pulumi-language-nodejs/go.mod"), "utf8");
  return /github\.com\/pulumi\/pulumi\/sdk\/v3 (v[\d.]+)/.exec(gomod)[1];
}

/** The cache folder for this exact pin: a change to either go.mod or go.sum means a new build. */
function cacheDir() {
  const hash = createHash("sha256");
  for (const tool of ["pulumi-cli", "pulumi-language-nodejs"]) {
    for (const f of ["go.mod", "go.sum"]) hash.update(fs.readFileSync(path.join(TOOLS, tool, f)));
  }
  const root = process.env.PULUMI_TURN_LOOKUP_CLI_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-cloudflare-turn-lookup");
  return path.join(root, `pulumi-${pinnedVersion()}-${hash.digest("hex").slice(0, 12)}`);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return dir;
    } catch {}
  }
  return undefined;
}

function complete(dir) {
  return ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].every((f) => fs.existsSync(path.join(dir, f)));
}

/** The directory holding a usable CLI, or undefined. Never builds. */
export function findCli() {
  const fromPath = onPath("pulumi");
  if (fromPath) return fromPath;
  const bin = path.join(cacheDir(), "bin");
  return complete(bin) ? bin : undefined;
}

/** Builds the CLI and the Node.js language host into the cache; returns the bin directory. */
export function buildCli() {
  const bin = path.join(cacheDir(), "bin");
  if (!onPath("go")) {
    throw new Error("Go is not installed: it is needed once to build the Pulumi CLI from its Go modules (or put `pulumi` on PATH).");
  }
  const staging = fs.mkdtempSync(path.join(path.dirname(bin), ".build-"));
  const started = Date.now();
  const builds = [
    ["pulumi-cli", "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", "pulumi", pinnedVersion()],
    ["pulumi-language-nodejs", "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs", "pulumi-language-nodejs", languageHostVersion()],
  ];
  for (const [tool, pkg, out, version] of builds) {
    log(`building ${out} ${version} from Go modules (first build takes a few minutes; later runs reuse ${bin})...`);
    // Stamped as the official release build does, so `pulumi version` and plugin checks see the real version.
    const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;
    const r = spawnSync("go", ["build", "-trimpath", "-ldflags", ldflags, "-o", path.join(staging, out), pkg], {
      cwd: path.join(TOOLS, tool),
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly`.trim() },
    });
    if (r.status !== 0) throw new Error(`go build of ${pkg} failed (exit ${r.status}); see the output above`);
  }
  // The engine looks for the dynamic provider plugin beside the CLI, as the
  // official distribution ships it; @pulumi/pulumi carries the script.
  const script = path.join(path.dirname(execFileSync(process.execPath, ["-p", "require.resolve('@pulumi/pulumi/package.json')"], { cwd: REPO, encoding: "utf8" }).trim()), "pulumi-resource-pulumi-nodejs");
  fs.copyFileSync(script, path.join(staging, "pulumi-resource-pulumi-nodejs"));
  fs.chmodSync(path.join(staging, "pulumi-resource-pulumi-nodejs"), 0o755);
  fs.rmSync(bin, { recursive: true, force: true });
  fs.renameSync(staging, bin);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s into ${bin}`);
  return bin;
}

/** The directory holding a usable CLI, building one if needed. */
export function resolveCli() {
  const found = findCli();
  if (found) return found;
  fs.mkdirSync(path.dirname(path.join(cacheDir(), "bin")), { recursive: true });
  return buildCli();
}

/** Environment for running the CLI from `binDir`, offline and without update checks. */
export function cliEnv(binDir, extra = {}) {
  return {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extra,
  };
}

function main(args) {
  if (args[0] === "--find") {
    const dir = findCli();
    if (!dir) process.exit(1);
    process.stdout.write(`${dir}\n`);
    return;
  }
  let bin;
  try {
    bin = resolveCli();
  } catch (err) {
    log(`cannot get the Pulumi CLI: ${err.message}`);
    process.exit(127);
  }
  if (args[0] === "--bin-dir") {
    process.stdout.write(`${bin}\n`);
    return;
  }
  const r = spawnSync(path.join(bin, "pulumi"), args, { stdio: "inherit", env: cliEnv(bin) });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
