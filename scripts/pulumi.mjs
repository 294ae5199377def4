#!/usr/bin/env node
// @ts-check
// Runs the Pulumi CLI: `npm run pulumi -- <args>`.
//
// Uses `pulumi` from PATH when there is one; otherwise a build cached outside
// the repository; otherwise builds it from the Go modules pinned under
// tools/ (the CLI's own installer downloads from a host these machines
// cannot reach, but the CLI is an ordinary Go module).
//
//   node scripts/pulumi.mjs <args...>   run the CLI with these arguments
//   node scripts/pulumi.mjs --bin-dir   resolve (building if needed) and print the directory to put on PATH
//   node scripts/pulumi.mjs --bin-dir yaml,python,go
//                                       the same, with those language hosts (built from tools/pulumi-language-*)
//   node scripts/pulumi.mjs --python-venv
//                                       make (once) and print a virtual environment with `pulumi` from PyPI
//   node scripts/pulumi.mjs --find      print that directory only if a CLI is already there (exit 1 if not)
//   node scripts/pulumi.mjs --cache     print the cache folder (remove it to rebuild or free the disk)
//
// PULUMI_TURN_LOOKUP_CLI_TOOLS=<folder under tools/> picks another pinned CLI
// (the test lanes use it); PATH is then not consulted.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOOLS = path.join(REPO, "tools");
const CLI_TOOLS = process.env.PULUMI_TURN_LOOKUP_CLI_TOOLS ?? "pulumi-cli";
const HOST_TOOLS = "pulumi-language-nodejs";
// At most 15 s between progress lines; tests shorten it.
const PROGRESS_EVERY_MS = Number(process.env.PULUMI_TURN_LOOKUP_PROGRESS_MS ?? 15_000);
const log = (/** @type {string} */ msg) => process.stderr.write(`[pulumi-cli] ${msg}\n`);

/** A problem the user can fix, reported as one message. */
export class SetupError extends Error {}

/** @param {string} tool */
function readGoMod(tool) {
  return fs.readFileSync(path.join(TOOLS, tool, "go.mod"), "utf8");
}

/**
 * The version of `module` that tools/<tool>/go.mod requires.
 * @param {string} tool
 * @param {string} module
 * @returns {string}
 */
function requiredVersion(tool, module) {
  const m = new RegExp(`${module.replace(/[./]/g, "\\$&")} (v[\\d.]+)`).exec(readGoMod(tool));
  if (!m) throw new Error(`tools/${tool}/go.mod does not require ${module}`);
  return /** @type {string} */ (m[1]);
}

/** The engine version of the selected CLI. */
function pinnedVersion() {
  return requiredVersion(CLI_TOOLS, "github.com/pulumi/pulumi/pkg/v3");
}

/** The cache root: every build of every pin lives below it. */
function cacheRoot() {
  return (
    process.env.PULUMI_TURN_LOOKUP_CLI_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-cloudflare-turn-lookup")
  );
}

/** The cache folder for this exact pin: a change to a go.mod or go.sum means a new build. */
function cacheDir() {
  const hash = createHash("sha256");
  for (const tool of [CLI_TOOLS, HOST_TOOLS]) {
    for (const f of ["go.mod", "go.sum"]) hash.update(fs.readFileSync(path.join(TOOLS, tool, f)));
  }
  return path.join(cacheRoot(), `pulumi-${pinnedVersion()}-${hash.digest("hex").slice(0, 12)}`);
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return dir;
    } catch {}
  }
  return undefined;
}

/** @param {string} dir */
function complete(dir) {
  return ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].every((f) => fs.existsSync(path.join(dir, f)));
}

/** The directory holding a usable CLI, or undefined. Never builds. */
export function findCli() {
  const fromPath = process.env.PULUMI_TURN_LOOKUP_CLI_TOOLS ? undefined : onPath("pulumi");
  if (fromPath) return fromPath;
  const bin = path.join(cacheDir(), "bin");
  return complete(bin) ? bin : undefined;
}

/** Checks that Go is there and new enough for every go.mod to build; one message with the fix if not. */
function checkGo() {
  const needed =
    [CLI_TOOLS, HOST_TOOLS]
      .map((t) => /^go (\d+\.\d+(?:\.\d+)?)/m.exec(readGoMod(t))?.[1] ?? "0")
      .sort(compareVersions)
      .at(-1) ?? "0";
  const fix = `Install Go ${needed} or newer (https://go.dev/dl/, or your package manager), or put a Pulumi CLI on PATH.`;
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new SetupError(`Go is not installed; it is needed once, to build the Pulumi CLI from its Go modules. ${fix}`);
  const have = r.stdout.trim().replace(/^go/, "");
  if (compareVersions(have, needed) < 0)
    throw new SetupError(`Go ${have} is too old to build the Pulumi CLI ${pinnedVersion()}: it needs Go ${needed}. ${fix}`);
  return have;
}

/**
 * @param {string} a
 * @param {string} b
 */
function compareVersions(a, b) {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const elapsed = (/** @type {number} */ started) => `${Math.round((Date.now() - started) / 1000)} s`;

/**
 * Runs a go command, printing the phase, the time so far and Go's own count
 * at least every 15 s, so that a build of many minutes never looks hung.
 * `count(line)` says whether a line of Go's output is one unit of work.
 * @param {string} phase
 * @param {string[]} args
 * @param {string} cwd
 * @param {{ total?: number, count?: (line: string) => boolean, env?: Record<string, string> }} [options]
 * @returns {Promise<string>}
 */
function goWithProgress(phase, args, cwd, { total, count = () => false, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let done = 0;
    let output = "";
    const child = spawn("go", args, { cwd, env: { ...process.env, CGO_ENABLED: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const onData = (/** @type {Buffer} */ d) => {
      const text = d.toString();
      output += text;
      for (const line of text.split("\n")) if (line && count(line)) done++;
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const tick = setInterval(() => {
      const of = total ? `, ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}` : done ? `, ${done.toLocaleString("en-US")} so far` : "";
      log(`${phase}: ${elapsed(started)}${of}`);
    }, PROGRESS_EVERY_MS);
    log(`${phase}...`);
    child.on("error", (err) => {
      clearInterval(tick);
      reject(err);
    });
    child.on("close", (code) => {
      clearInterval(tick);
      if (code === 0) {
        log(`${phase}: done in ${elapsed(started)}`);
        resolve(output);
      } else {
        process.stderr.write(output);
        reject(new Error(`go ${args.join(" ")} failed (exit ${code}); Go's output is above`));
      }
    });
  });
}

/**
 * Modules a go.sum lists: what `go mod download` fetches.
 * @param {string} tool
 */
function moduleCount(tool) {
  const sum = fs.readFileSync(path.join(TOOLS, tool, "go.sum"), "utf8");
  return new Set(
    sum
      .split("\n")
      .filter((l) => l && !/\/go\.mod /.test(l))
      .map((l) => l.split(" ").slice(0, 2).join("@")),
  ).size;
}

const READONLY = { GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly`.trim() };

/**
 * Downloads the modules of tools/<tool> and compiles `pkg` into `outFile`,
 * stamped with `version` as the official release build does, so that
 * `pulumi version` and plugin checks see the real version.
 * @param {string} what
 * @param {string} tool
 * @param {string} pkg
 * @param {string} outFile
 * @param {string} version
 */
async function goBuild(what, tool, pkg, outFile, version) {
  const cwd = path.join(TOOLS, tool);
  await goWithProgress(`downloading the Go modules of ${what}`, ["mod", "download", "-x"], cwd, {
    total: moduleCount(tool),
    count: (line) => /^# get .*\.zip: 200 OK/.test(line),
    env: READONLY,
  });
  const packages = execFileSync("go", ["list", "-deps", pkg], { cwd, encoding: "utf8", env: { ...process.env, CGO_ENABLED: "0", ...READONLY } })
    .trim()
    .split("\n").length;
  const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;
  await goWithProgress(`compiling ${what} ${version} (packages)`, ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", outFile, pkg], cwd, {
    total: packages,
    count: (line) => !line.startsWith("go: ") && !line.startsWith("#") && !line.includes(" "),
    env: READONLY,
  });
}

/** Builds the CLI and the Node.js language host into the cache; returns the bin directory. */
export async function buildCli() {
  const goVersion = checkGo();
  const bin = path.join(cacheDir(), "bin");
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(bin), ".build-"));
  const started = Date.now();
  log(
    `building the Pulumi CLI ${pinnedVersion()} from Go modules with Go ${goVersion}. On a cold machine this took about 6 minutes ` +
      `and 3.5 GB of Go caches here; later runs reuse ${bin}.`,
  );
  const builds = [
    ["the CLI", CLI_TOOLS, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", "pulumi", pinnedVersion()],
    [
      "the Node.js language host",
      HOST_TOOLS,
      "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
      "pulumi-language-nodejs",
      requiredVersion(HOST_TOOLS, "github.com/pulumi/pulumi/sdk/v3"),
    ],
  ];
  for (const [what, tool, pkg, out, version] of builds) await goBuild(what, tool, pkg, path.join(staging, out), version);
  // The engine looks for the dynamic provider plugin beside the CLI, as the
  // official distribution ships it; @pulumi/pulumi carries the script.
  const sdk = path.dirname(execFileSync(process.execPath, ["-p", "require.resolve('@pulumi/pulumi/package.json')"], { cwd: REPO, encoding: "utf8" }).trim());
  fs.copyFileSync(path.join(sdk, "pulumi-resource-pulumi-nodejs"), path.join(staging, "pulumi-resource-pulumi-nodejs"));
  fs.chmodSync(path.join(staging, "pulumi-resource-pulumi-nodejs"), 0o755);
  fs.rmSync(bin, { recursive: true, force: true });
  fs.renameSync(staging, bin);
  log(`built in ${elapsed(started)} into ${bin}`);
  return bin;
}

/**
 * The language hosts besides Node.js, each built from its own pinned module
 * under tools/, as the CLI is. The Python host runs Python programs through
 * `pulumi-language-python-exec`, a script of its module, kept beside it.
 */
const LANGUAGE_HOSTS = {
  yaml: {
    what: "the YAML language host",
    tool: "pulumi-language-yaml",
    pkg: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
    module: "github.com/pulumi/pulumi-yaml",
    beside: [],
  },
  python: {
    what: "the Python language host",
    tool: "pulumi-language-python",
    pkg: "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python",
    module: "github.com/pulumi/pulumi/sdk/v3",
    beside: ["python/cmd/pulumi-language-python-exec"],
  },
  go: {
    what: "the Go language host",
    tool: "pulumi-language-go",
    pkg: "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go",
    module: "github.com/pulumi/pulumi/sdk/v3",
    beside: [],
  },
};

/** @typedef {keyof typeof LANGUAGE_HOSTS} Language */

/** @param {string} tool the cache folder of one pinned build of tools/<tool> */
function toolCacheDir(tool) {
  const hash = createHash("sha256");
  for (const f of ["go.mod", "go.sum"]) hash.update(fs.readFileSync(path.join(TOOLS, tool, f)));
  return path.join(cacheRoot(), `${tool}-${hash.digest("hex").slice(0, 12)}`);
}

/**
 * Builds (once) the language host of `language` into its cache folder, and
 * returns that folder.
 * @param {Language} language
 */
async function languageHost(language) {
  const host = LANGUAGE_HOSTS[language];
  const dir = toolCacheDir(host.tool);
  const out = `pulumi-language-${language}`;
  if (fs.existsSync(path.join(dir, out))) return dir;
  checkGo();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.build-`);
  const version = requiredVersion(host.tool, host.module);
  await goBuild(host.what, host.tool, host.pkg, path.join(staging, out), version);
  const moduleDir = execFileSync("go", ["list", "-m", "-f", "{{.Dir}}", host.module], {
    cwd: path.join(TOOLS, host.tool),
    encoding: "utf8",
    env: { ...process.env, ...READONLY },
  }).trim();
  for (const file of host.beside) {
    fs.copyFileSync(path.join(moduleDir, file), path.join(staging, path.basename(file)));
    fs.chmodSync(path.join(staging, path.basename(file)), 0o755);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return dir;
}

/**
 * Makes the language hosts of `languages` available beside the CLI in
 * `bin`: copied in when `bin` is a cached build (the CLI prefers hosts
 * beside itself, and warns about one found elsewhere on PATH), else left
 * in their cache. Returns the directories to put on PATH, `bin` first.
 * @param {string} bin
 * @param {readonly Language[]} languages
 * @returns {Promise<string[]>}
 */
export async function withLanguageHosts(bin, languages) {
  const dirs = [bin];
  const cached = path.resolve(bin).startsWith(path.resolve(cacheRoot()) + path.sep);
  for (const language of languages) {
    const dir = await languageHost(language);
    if (!cached) {
      dirs.push(dir);
      continue;
    }
    for (const file of fs.readdirSync(dir)) {
      const target = path.join(bin, file);
      const source = path.join(dir, file);
      if (fs.existsSync(target) && fs.statSync(target).size === fs.statSync(source).size && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs)
        continue;
      fs.copyFileSync(source, `${target}.new`);
      fs.chmodSync(`${target}.new`, 0o755);
      fs.renameSync(`${target}.new`, target);
    }
  }
  return dirs;
}

/**
 * A Python virtual environment with the `pulumi` package pinned in
 * tools/python/requirements.txt, made once per pin; returns its folder.
 */
export function pythonVenv() {
  const requirements = path.join(TOOLS, "python", "requirements.txt");
  const hash = createHash("sha256").update(fs.readFileSync(requirements)).digest("hex").slice(0, 12);
  const dir = path.join(cacheRoot(), `python-venv-${hash}`);
  if (fs.existsSync(path.join(dir, ".complete"))) return dir;
  const started = Date.now();
  log(`making a Python virtual environment with ${fs.readFileSync(requirements, "utf8").match(/^pulumi==\S+/m)?.[0] ?? "pulumi"} from PyPI in ${dir}...`);
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync("python3", ["-m", "venv", dir], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync(path.join(dir, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "-r", requirements], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.writeFileSync(path.join(dir, ".complete"), "");
  log(`Python virtual environment ready in ${elapsed(started)}`);
  return dir;
}

/** The directory holding a usable CLI, building one if needed. */
export async function resolveCli() {
  return findCli() ?? (await buildCli());
}

/**
 * Environment for running the CLI from `binDir`, offline and without update checks.
 * @param {string} binDir
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function cliEnv(binDir, extra = {}) {
  return {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extra,
  };
}

/** @param {string[]} args */
async function main(args) {
  if (args[0] === "--find") {
    const dir = findCli();
    if (!dir) process.exit(1);
    process.stdout.write(`${dir}\n`);
    return;
  }
  if (args[0] === "--cache") {
    process.stdout.write(`${cacheRoot()}\n`);
    return;
  }
  let bin;
  try {
    bin = await resolveCli();
  } catch (err) {
    log(err instanceof SetupError ? err.message : `cannot get the Pulumi CLI: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof SetupError ? 2 : 1);
  }
  if (args[0] === "--bin-dir") {
    // `--bin-dir yaml,python,go` adds those language hosts; more than one directory prints as a PATH list.
    const languages = /** @type {Language[]} */ ((args[1] ?? "").split(",").filter(Boolean));
    const unknown = languages.filter((l) => !(l in LANGUAGE_HOSTS));
    if (unknown.length > 0) {
      log(`no language host named ${unknown.join(", ")}; there are ${Object.keys(LANGUAGE_HOSTS).join(", ")}`);
      process.exit(2);
    }
    process.stdout.write(`${(await withLanguageHosts(bin, languages)).join(path.delimiter)}\n`);
    return;
  }
  if (args[0] === "--python-venv") {
    process.stdout.write(`${pythonVenv()}\n`);
    return;
  }
  const r = spawnSync(path.join(bin, "pulumi"), args, { stdio: "inherit", env: cliEnv(bin) });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
