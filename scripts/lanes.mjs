#!/usr/bin/env node
// @ts-check
// Runs the test suite (unit and end to end) in the lanes lanes.json pins:
//
//   npm run test:lanes               every lane
//   npm run test:lanes -- current    one lane (or several, by name)
//   npm run bench                    the benchmarks in the oldest and current lanes
//
// A lane is a Node.js version, an @pulumi/pulumi version and a Pulumi CLI.
// The "system" Node.js lane whose SDK is this repository's own dev
// dependency runs here, as `npm test` does; any other lane runs in a copy of
// the repository under .lanes/<lane>/, with its Node.js from the npm
// registry's `node` package and its SDK installed over the locked tree.
// Prints one summary line per lane, then the combined count.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ci from "./ci.cjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** @typedef {{ node: string, pulumi: string, cli: string, programs: string[] }} Lane */
/** @typedef {{ name: string, versions: string, passed: number, failed: number, skipped: number, ok: boolean, seconds: number }} Outcome */
/** @type {Record<string, Lane>} */
const LANES = JSON.parse(fs.readFileSync(path.join(REPO, "lanes.json"), "utf8"));
const log = (/** @type {string} */ msg) => process.stderr.write(`[lanes] ${msg}\n`);
const { isCI } = ci;

function cacheRoot() {
  return (
    process.env.PULUMI_TURN_LOOKUP_CLI_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-cloudflare-turn-lookup")
  );
}

/**
 * The folder holding the lane's `node`: this one's, or the npm registry's `node` package installed once into the cache.
 * @param {string} version
 */
function nodeBinDir(version) {
  if (version === "system") return path.dirname(process.execPath);
  const prefix = path.join(cacheRoot(), `node-${version}`);
  const bin = path.join(prefix, "node_modules/.bin");
  if (!fs.existsSync(path.join(bin, "node"))) {
    log(`installing Node.js ${version} from the npm registry's node package...`);
    fs.mkdirSync(prefix, { recursive: true });
    execFileSync("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `node@${version}`], { stdio: "inherit" });
  }
  const actual = execFileSync(path.join(bin, "node"), ["--version"], { encoding: "utf8" }).trim();
  if (actual !== `v${version}`) throw new Error(`the node package installed Node.js ${actual}, not v${version}`);
  return bin;
}

/**
 * Whether the lane is this repository as it is installed: system Node.js and the dev dependency's SDK.
 * @param {Lane} lane
 */
function runsInPlace(lane) {
  const installed = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
  return lane.node === "system" && lane.pulumi === installed;
}

/** A copy of the repository's files (tracked, and new ones not ignored) for the lane, installed from the lockfile plus the lane's SDK. */
/**
 * @param {string} name
 * @param {Lane} lane
 * @param {NodeJS.ProcessEnv} env
 */
function laneCopy(name, lane, env) {
  const dir = path.join(REPO, ".lanes", name);
  fs.rmSync(dir, { recursive: true, force: true });
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (file.startsWith(".lanes/") || !fs.existsSync(path.join(REPO, file))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  const npm = (/** @type {string[]} */ args) =>
    execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, env, stdio: "inherit" });
  log(`${name}: installing the locked tree and @pulumi/pulumi ${lane.pulumi}...`);
  npm(["ci"]);
  npm(["install", "--no-save", `@pulumi/pulumi@${lane.pulumi}`]);
  return dir;
}

/**
 * Sets a lane up: its Node.js, its folder (installed) and its CLI; returns where and how to run in it.
 * @param {string} name
 */
function prepareLane(name) {
  const lane = LANES[name];
  if (!lane) throw new Error(`no lane ${JSON.stringify(name)} in lanes.json; the lanes are ${Object.keys(LANES).join(", ")}`);
  const nodeBin = nodeBinDir(lane.node);
  const env = {
    ...process.env,
    PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
    PULUMI_TURN_LOOKUP_CLI_TOOLS: lane.cli,
    PULUMI_TURN_LOOKUP_PROGRAMS: lane.programs.join(","),
    CI: process.env.CI ?? "true",
  };
  const dir = runsInPlace(lane) ? REPO : laneCopy(name, lane, env);
  // The CLI, with the language hosts of the lane's plugin programs beside it, built before the tests start.
  const pulumi = (/** @type {string[]} */ args) =>
    execFileSync(process.execPath, [path.join(dir, "scripts/pulumi.mjs"), ...args], {
      cwd: dir,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  const cliBin = pulumi(["--bin-dir", lane.programs.join(",")]).split(path.delimiter)[0] ?? "";
  if (lane.programs.includes("python")) pulumi(["--python-venv"]);
  const cli = execFileSync(path.join(cliBin, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  const node = execFileSync(path.join(nodeBin, "node"), ["--version"], { encoding: "utf8" }).trim();
  const sdk = JSON.parse(fs.readFileSync(path.join(dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
  const versions = `Node.js ${node}, @pulumi/pulumi ${sdk}, CLI ${cli}${lane.programs.length > 0 ? `, plugin programs in ${lane.programs.join(", ")}` : ""}`;
  log(`${name}: ${versions}`);
  return { dir, env, versions };
}

/**
 * Runs the README's test command in one lane; returns its counts.
 * @param {string} name
 * @returns {Outcome}
 */
function testLane(name) {
  const started = Date.now();
  const { dir, env, versions } = prepareLane(name);
  const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `lane-${name}-`)), "vitest.json");
  const r = spawnSync("npm", ["test", "--", "--reporter=default", "--reporter=json", `--outputFile.json=${results}`], { cwd: dir, env, stdio: "inherit" });
  const counts = fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, "utf8")) : undefined;
  const failedTests = counts?.numFailedTests ?? 0;
  const skipped = counts ? counts.numPendingTests + counts.numTodoTests : 0;
  // Under CI a skipped test is a failure: a suite that skipped itself (no CLI found) proved nothing.
  const ci = isCI(env);
  if (ci && skipped > 0) log(`${name}: ${skipped} tests skipped, which CI does not accept`);
  // The slowest files, for CONTRIBUTING's list and for whoever makes the run shorter.
  /** @type {{ name: string, startTime: number, endTime: number }[]} */
  const files = counts?.testResults ?? [];
  const slowest = files
    .map((f) => ({ file: path.relative(dir, f.name), seconds: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 8);
  log(`${name}: slowest files: ${slowest.map((f) => `${f.file} ${f.seconds.toFixed(0)} s`).join(", ")}`);
  return {
    name,
    versions,
    passed: counts?.numPassedTests ?? 0,
    // A run that failed without a failed test (a file that would not load) still counts as a failure.
    failed: r.status !== 0 && failedTests === 0 ? 1 : failedTests,
    skipped,
    ok: r.status === 0 && !(ci && skipped > 0),
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

/**
 * Runs the benchmarks in one lane (`extra` goes to bench/run.ts, e.g. --quick).
 * @param {string} name
 * @param {string[]} extra
 */
function benchLane(name, extra) {
  const { dir, env, versions } = prepareLane(name);
  // `npm test` builds first (its pretest); the benchmarks do here.
  execFileSync("npm", ["run", "build", "--silent"], { cwd: dir, env, stdio: "inherit" });
  console.log(`\n## Lane ${name}: ${versions}\n`);
  const r = spawnSync(path.join(dir, "node_modules/.bin/vite-node"), ["bench/run.ts", "--", ...extra], { cwd: dir, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`the benchmarks failed in lane ${name} (exit ${r.status})`);
}

/** @param {string[]} args */
function main(args) {
  if (args[0] === "--bench") {
    // `--bench [lane...] [-- bench options]`: the default lanes are oldest and current.
    const rest = args.slice(1);
    const names = rest.filter((a) => !a.startsWith("--"));
    const extra = rest.filter((a) => a.startsWith("--"));
    for (const name of names.length ? names : ["oldest", "current"]) benchLane(name, extra);
    return;
  }
  const names = args.length === 0 || args[0] === "all" ? Object.keys(LANES) : args;
  /** @type {Outcome[]} */
  const outcomes = [];
  for (const name of names) {
    try {
      outcomes.push(testLane(name));
    } catch (err) {
      log(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      outcomes.push({ name, versions: "not set up", passed: 0, failed: 1, skipped: 0, ok: false, seconds: 0 });
    }
  }
  for (const o of outcomes) console.log(`lane ${o.name} (${o.versions}): ${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped in ${o.seconds} s`);
  const sum = (/** @type {"passed" | "failed" | "skipped"} */ k) => outcomes.reduce((n, o) => n + o[k], 0);
  console.log(`${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
  process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
}

main(process.argv.slice(2));
