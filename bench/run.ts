// `npm run bench [-- --quick] [-- --plugin-only | --client-only]` (the client alone: throughput, cold start, CPU to the first value): the lookup path against the official SDK and
// a bare undici floor, the provider process as the engine drives it, the
// real engine's preview, and the state cost. Contenders run alternately in
// the same run; medians over rounds and ratios are reported, because these
// machines are shared and noisy. Results: a markdown table on stdout and
// JSON under bench/results/.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { Workspace, cliEnvironment } from "../test/e2e/harness";
import { PLATFORM, cliWithHosts, pluginsSection, pythonWithSdk, workspaceOf } from "../test/e2e/pluginHarness";
import { type EmulatorProcess, startEmulatorProcess } from "../test/support/emulatorProcess";
import { REPO } from "../test/support/pack";
import { ProviderProcess, serializeProvider } from "../test/support/providerProcess";

const QUICK = process.argv.includes("--quick");
const ROUNDS = QUICK ? 1 : 3;
const CLIENT_LOOKUPS = QUICK ? 1_000 : 5_000;
const PROVIDER_READS = QUICK ? 200 : 1_000;
const ENGINE_ROUNDS = QUICK ? 1 : 3;
/** Rounds of the one-lookup comparison: one lookup's cost is small beside a preview's noise, so it gets more. */
const ONE_LOOKUP_ROUNDS = QUICK ? 3 : 11;
const CONCURRENCIES = [1, 16, 64];
const CONTENDERS = ["ours", "sdk", "floor"] as const;
const ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353";
/** An account of LISTED_KEYS keys, for the list benchmark. */
const LIST_ACCOUNT_ID = "1111105f4ecef8ad9ca31a8372d0c353";
const LISTED_KEYS = 1_000;
const LISTS_PER_ROUND = QUICK ? 10 : 30;
const TOKEN = "bench-token";
const keyId = (i: number) => i.toString(16).padStart(32, "0");

type Contender = (typeof CONTENDERS)[number];
interface ClientRun {
  contender: Contender;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  peakRssMiB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const rotate = <T>(xs: readonly T[], n: number) => xs.map((_, i) => xs[(i + n) % xs.length]!);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Writes a seed of `count` keys in ACCOUNT_ID, and `listed` more in LIST_ACCOUNT_ID. */
function writeSeed(count: number, listed = 0): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "turn-bench-")), "seed.json");
  const keys = [
    ...Array.from({ length: count }, (_, i) => ({ accountId: ACCOUNT_ID, uid: keyId(i), name: `bench-key-${i}` })),
    ...Array.from({ length: listed }, (_, i) => ({
      accountId: LIST_ACCOUNT_ID,
      uid: keyId(i),
      name: `listed-key-${i}`,
      created: "2024-01-01T00:00:00Z",
      modified: "2024-01-02T00:00:00Z",
    })),
  ];
  fs.writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

async function clearRequests(emulator: EmulatorProcess): Promise<void> {
  await fetch(`${emulator.admin}/requests`, { method: "DELETE" });
}

async function requestLog(emulator: EmulatorProcess): Promise<{ method: string; path: string }[]> {
  return (await (await fetch(`${emulator.admin}/requests`)).json()) as { method: string; path: string }[];
}

// 1. Client ------------------------------------------------------------------

function clientRun(contender: Contender, concurrency: number, lookups: number, url: string): ClientRun {
  const out = execFileSync(
    process.execPath,
    [path.join(REPO, "bench/client-worker.mjs"), contender, String(concurrency), String(lookups), url, ACCOUNT_ID, String(lookups)],
    {
      encoding: "utf8",
    },
  );
  return JSON.parse(out) as ClientRun;
}

/** Median of 5 fresh processes: time to load the module (and make a client), and to finish a first lookup. */
function coldStart(url: string): Record<Contender, { importMs: number; firstLookupMs: number }> {
  const scripts: Record<Contender, string> = {
    ours: `const c = require("./dist/provider/lookupClient.js");`,
    sdk: `const C = require("cloudflare"); const c = new C({ apiToken: "${TOKEN}", baseURL: "${url}", maxRetries: 0 });`,
    floor: `const { Pool } = require("undici"); const u = new URL("${url}"); const c = new Pool(u.origin);`,
  };
  const first: Record<Contender, string> = {
    ours: `await c.getTurnKey({ accountId: "${ACCOUNT_ID}", keyId: "${keyId(1)}" }, { apiToken: "${TOKEN}", baseUrl: "${url}", env: {} });`,
    sdk: `await c.calls.turn.get("${keyId(1)}", { account_id: "${ACCOUNT_ID}" });`,
    floor: `const r = await c.request({ path: u.pathname + "/accounts/${ACCOUNT_ID}/calls/turn_keys/${keyId(1)}", method: "GET", headers: { authorization: "Bearer ${TOKEN}" } }); JSON.parse(await r.body.text());`,
  };
  const result = {} as Record<Contender, { importMs: number; firstLookupMs: number }>;
  for (const contender of CONTENDERS) {
    const imports: number[] = [];
    const firsts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const code = `(async () => { const t0 = performance.now(); ${scripts[contender]} const t1 = performance.now(); ${first[contender]} const t2 = performance.now(); console.log(JSON.stringify([t1 - t0, t2 - t0])); process.exit(0); })();`;
      const [imp, firstMs] = JSON.parse(execFileSync(process.execPath, ["-e", code], { cwd: REPO, encoding: "utf8" })) as [number, number];
      imports.push(imp);
      firsts.push(firstMs);
    }
    result[contender] = { importMs: median(imports), firstLookupMs: median(firsts) };
  }
  return result;
}

async function clientSuite(emulator: EmulatorProcess) {
  const runs: ClientRun[] = [];
  for (const concurrency of CONCURRENCIES) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const contender of rotate(CONTENDERS, round)) {
        await clearRequests(emulator);
        const r = clientRun(contender, concurrency, CLIENT_LOOKUPS, emulator.url);
        log(`client ${contender} c=${concurrency} round ${round + 1}: ${fmt(r.rps)} req/s`);
        runs.push(r);
      }
    }
  }
  const summary = CONCURRENCIES.map((concurrency) => {
    const of = (c: Contender) => runs.filter((r) => r.contender === c && r.concurrency === concurrency);
    const stat = (c: Contender) => ({
      rps: median(of(c).map((r) => r.rps)),
      p50: median(of(c).map((r) => r.p50)),
      p99: median(of(c).map((r) => r.p99)),
      peakRssMiB: median(of(c).map((r) => r.peakRssMiB)),
    });
    const ours = stat("ours");
    const sdk = stat("sdk");
    const floor = stat("floor");
    return { concurrency, ours, sdk, floor, oursOverSdk: ours.rps / sdk.rps, oursOverFloor: ours.rps / floor.rps };
  });
  return { lookups: CLIENT_LOOKUPS, distinctKeys: CLIENT_LOOKUPS, rounds: ROUNDS, summary, cold: coldStart(emulator.url), runs };
}

// 1b. Listing an account ------------------------------------------------------------

/** Lists an account of LISTED_KEYS keys with ours and the SDK, alternating, in one process; median ms per list. */
async function listSuite(emulator: EmulatorProcess) {
  const require = createRequire(path.join(REPO, "package.json"));
  const { createTurnKeyClient } = require(path.join(REPO, "dist/provider/lookupClient.js")) as typeof import("../provider/lookupClient");
  const Cloudflare = require("cloudflare") as typeof import("cloudflare").default;
  const ours = createTurnKeyClient({ apiToken: TOKEN, baseUrl: emulator.url, env: {} });
  const sdk = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.url, maxRetries: 0 });
  const lists: Record<"ours" | "sdk", () => Promise<number>> = {
    ours: async () => (await ours.listTurnKeys({ accountId: LIST_ACCOUNT_ID })).length,
    sdk: async () => (await sdk.calls.turn.list({ account_id: LIST_ACCOUNT_ID })).result.length,
  };
  const times: Record<"ours" | "sdk", number[]> = { ours: [], sdk: [] };
  for (const c of ["ours", "sdk"] as const) await lists[c](); // warm up both
  for (let round = 0; round < ROUNDS * 2; round++) {
    for (const c of rotate(["ours", "sdk"] as const, round)) {
      for (let i = 0; i < LISTS_PER_ROUND; i++) {
        const t = performance.now();
        const n = await lists[c]();
        times[c].push(performance.now() - t);
        if (n !== LISTED_KEYS) throw new Error(`${c} listed ${n} keys, not ${LISTED_KEYS}`);
      }
    }
  }
  await ours.close();
  const result = { keys: LISTED_KEYS, oursMs: median(times.ours), sdkMs: median(times.sdk), lists: times.ours.length };
  log(`list of ${LISTED_KEYS} keys: ours ${fmt(result.oursMs, 1)} ms, SDK ${fmt(result.sdkMs, 1)} ms`);
  return { ...result, sdkOverOurs: result.sdkMs / result.oursMs };
}

// 2. Provider process ----------------------------------------------------------

async function readAll(provider: ProviderProcess, text: string, keys: string[], concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const k = keys[next++]!;
        await provider.read(k, { accountId: ACCOUNT_ID, keyId: k, __provider: text });
      }
    }),
  );
  return performance.now() - started;
}

async function providerSuite(emulator: EmulatorProcess) {
  const text = await serializeProvider((await import("../provider/pulumi/dynamicProvider.js")).lookupProvider);
  const rounds: { firstReadMs: number; distinctMs: number; clientOnlyMs: number; oneKeyMs: number; oneKeyRequests: number; peakRssMiB: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Fresh keys each round, so no cache of an earlier round can help.
    const offset = round * (PROVIDER_READS + 1);
    const distinct = Array.from({ length: PROVIDER_READS }, (_, i) => keyId(offset + i));
    const oneKey = keyId(offset + PROVIDER_READS);

    const spawned = performance.now();
    const provider = await ProviderProcess.start(REPO);
    // Lift the shared budget (1,200 requests per five minutes by default): this measures the path, not the limit.
    await provider.configure({
      "cloudflare:apiToken": TOKEN,
      "cloudflare:baseUrl": emulator.url,
      "turnKeyLookup:maxConcurrency": "64",
      "turnKeyLookup:requestsPerInterval": "1000000000",
      "turnKeyLookup:burst": "1000000000",
    });
    await provider.read(keyId(4_999 - round), { accountId: ACCOUNT_ID, keyId: keyId(4_999 - round), __provider: text });
    const firstReadMs = performance.now() - spawned;

    const distinctMs = await readAll(provider, text, distinct, 16);
    await clearRequests(emulator);
    const oneKeyMs = await readAll(provider, text, Array(PROVIDER_READS).fill(oneKey), 16);
    const oneKeyRequests = (await requestLog(emulator)).filter((r) => r.path.endsWith(oneKey)).length;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${provider.pid}/status`, "utf8"));
    await provider.stop();

    // The same lookups through the client alone, in a fresh process.
    const clientOnly = clientRun("ours", 16, PROVIDER_READS, emulator.url);
    const clientOnlyMs = (PROVIDER_READS / clientOnly.rps) * 1000;
    rounds.push({ firstReadMs, distinctMs, clientOnlyMs, oneKeyMs, oneKeyRequests, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : Number.NaN });
    log(`provider round ${round + 1}: first Read ${fmt(firstReadMs)} ms, ${PROVIDER_READS} Reads ${fmt(distinctMs)} ms`);
  }
  const m = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
  return {
    reads: PROVIDER_READS,
    firstReadMs: m("firstReadMs"),
    distinctMs: m("distinctMs"),
    clientOnlyMs: m("clientOnlyMs"),
    providerOverClient: m("distinctMs") / m("clientOnlyMs"),
    oneKeyMs: m("oneKeyMs"),
    oneKeyRequests: Math.max(...rounds.map((r) => r.oneKeyRequests)),
    peakRssMiB: m("peakRssMiB"),
    rounds,
  };
}

// 3 and 4. Engine and state ----------------------------------------------------

interface ScenarioSpec {
  readonly name: string;
  readonly form: "resource" | "function" | "floor" | "floor6";
  readonly count: number;
  readonly distinct: number;
  /** One floor read beside the lookups. */
  readonly besideFloor?: boolean;
}

const SCENARIOS = [
  { name: "empty stack", form: "resource", count: 0, distinct: 1 },
  { name: "1 function lookup", form: "function", count: 1, distinct: 1 },
  { name: "1 floor read", form: "floor", count: 1, distinct: 1 },
  { name: "1 floor read + 1 function lookup", form: "function", count: 1, distinct: 1, besideFloor: true },
  { name: "100 function lookups", form: "function", count: 100, distinct: 100 },
  { name: "100 TurnKeyLookups", form: "resource", count: 100, distinct: 100 },
  { name: "100 TurnKeyLookups of 10 keys", form: "resource", count: 100, distinct: 10 },
  { name: "100 floor reads", form: "floor", count: 100, distinct: 100 },
  { name: "100 six-output floor reads", form: "floor6", count: 100, distinct: 100 },
] as const satisfies readonly ScenarioSpec[];
type Scenario = (typeof SCENARIOS)[number];
const scenario = (name: Scenario["name"]) => SCENARIOS.find((s) => s.name === name)!;

async function engineSuite() {
  const binDir = execFileSync(process.execPath, [path.join(REPO, "scripts/pulumi.mjs"), "--bin-dir"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(100), "--latency-ms", "50"]);
  const ws = Workspace.create("turn-bench", path.join(REPO, "bench/stacks/lookups/index.ts"), binDir);
  try {
    const stackOf = (s: Scenario) => s.name.replace(/\W+/g, "-");
    const config = (s: ScenarioSpec, extra: Record<string, string> = {}) => ({
      accountId: ACCOUNT_ID,
      form: s.form,
      count: String(s.count),
      distinct: String(s.distinct),
      besideFloor: String(Boolean(s.besideFloor)),
      "cloudflare:baseUrl": emulator.url,
      ...extra,
    });
    for (const s of SCENARIOS) await ws.initStack(stackOf(s), config(s), { "cloudflare:apiToken": TOKEN });
    // One untimed preview of each first: the first runs of a stack pay for cold disk caches.
    for (const s of SCENARIOS) {
      await ws.ok(["stack", "select", stackOf(s)]);
      await ws.ok(["preview"]);
    }
    // Contenders alternate within each round, so a slow moment of the machine hits them alike.
    const times = new Map<string, number[]>();
    const perKey = new Map<string, number>();
    for (let round = 0; round < ENGINE_ROUNDS; round++) {
      for (const s of rotate(SCENARIOS, round)) {
        await ws.ok(["stack", "select", stackOf(s)]);
        await clearRequests(emulator);
        const started = performance.now();
        await ws.ok(["preview"]);
        const ms = performance.now() - started;
        times.set(s.name, [...(times.get(s.name) ?? []), ms]);
        const gets = (await requestLog(emulator)).filter((r) => r.method === "GET").length;
        if (!s.form.startsWith("floor") && s.count > 0) perKey.set(s.name, Math.max(perKey.get(s.name) ?? 0, gets / s.distinct));
        log(`engine ${s.name} round ${round + 1}: preview ${fmt(ms)} ms, ${gets} GETs`);
      }
    }
    // What a stack adds: the median over rounds of its difference from the same round's empty stack.
    const added = (name: Scenario["name"]) => median(times.get(name)!.map((ms, round) => ms - times.get("empty stack")![round]!));
    const preview = SCENARIOS.map((s) => ({
      scenario: s.name,
      wallMs: median(times.get(s.name)!),
      addedMs: added(s.name),
      requestsPerDistinctKey: perKey.get(s.name),
    }));
    // The one-lookup comparison: the four small stacks alone, alternating over
    // more rounds, each preview traced. What a stack adds is the median of its
    // difference from the round's own baseline preview (paired, so that a slow
    // moment of the machine hits both sides), on two clocks: the CLI's wall
    // time, and the program process's own timeline from the SDK loaded to its
    // exit, which leaves out the CLI's and the language host's start-up noise.
    const small = (["empty stack", "1 function lookup", "1 floor read", "1 floor read + 1 function lookup"] as const).map(scenario);
    type Small = (typeof small)[number]["name"];
    const smallRuns = new Map<Small, TracedPreview[]>();
    for (let round = 0; round < ONE_LOOKUP_ROUNDS; round++) {
      for (const s of rotate(small, round)) smallRuns.set(s.name, [...(smallRuns.get(s.name) ?? []), await tracedPreview(ws, stackOf(s))]);
      log(`engine one-lookup comparison round ${round + 1} of ${ONE_LOOKUP_ROUNDS}`);
    }
    const addedTo = (name: Small, base: Small, clock: (t: TracedPreview) => number) =>
      median(smallRuns.get(name)!.map((t, round) => clock(t) - clock(smallRuns.get(base)![round]!)));
    const wallOf = (t: TracedPreview) => t.wallMs;
    const programOf = (t: TracedPreview) => t.programMs;
    const oneLookup = {
      rounds: ONE_LOOKUP_ROUNDS,
      emptyMs: median(smallRuns.get("empty stack")!.map(wallOf)),
      functionAddedMs: addedTo("1 function lookup", "empty stack", wallOf),
      floorAddedMs: addedTo("1 floor read", "empty stack", wallOf),
      besideFloorAddedMs: addedTo("1 floor read + 1 function lookup", "1 floor read", wallOf),
      programFunctionAddedMs: addedTo("1 function lookup", "empty stack", programOf),
      programFloorAddedMs: addedTo("1 floor read", "empty stack", programOf),
    };
    const ratios = {
      functionOverFloor: added("100 function lookups") / added("100 floor reads"),
      resourceOverFloor: added("100 TurnKeyLookups") / added("100 floor reads"),
      resourceOverSixOutputFloor: added("100 TurnKeyLookups") / added("100 six-output floor reads"),
      oneFunctionOverOneFloor: oneLookup.functionAddedMs / oneLookup.floorAddedMs,
      oneFunctionOverOneFloorInProgram: oneLookup.programFunctionAddedMs / oneLookup.programFloorAddedMs,
    };
    const trace = traceRows(smallRuns.get("1 function lookup")!.at(-1)!);
    const dependsOn = await dependsOnRow(ws, config);

    // State cost: deploy the empty stack and 100 lookups of each form, compare exports.
    const exportBytes: Record<string, number> = {};
    let providerBytes = 0;
    for (const s of [scenario("empty stack"), scenario("100 TurnKeyLookups"), scenario("100 function lookups")]) {
      await ws.ok(["stack", "select", stackOf(s)]);
      await ws.ok(["up", "--yes", "--skip-preview"]);
      const exported = await ws.ok(["stack", "export"]);
      exportBytes[s.name] = Buffer.byteLength(exported);
      const lookups = (JSON.parse(exported) as { deployment: { resources: { type: string; inputs: { __provider?: string } }[] } }).deployment.resources.filter(
        (r) => r.type === "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup",
      );
      if (lookups.length) providerBytes = Buffer.byteLength(lookups[0]!.inputs.__provider!);
      await ws.ok(["destroy", "--yes", "--skip-preview"]);
    }
    const state = {
      exportBytesEmpty: exportBytes["empty stack"]!,
      bytesPerResourceLookup: (exportBytes["100 TurnKeyLookups"]! - exportBytes["empty stack"]!) / 100,
      bytesPerFunctionLookup: (exportBytes["100 function lookups"]! - exportBytes["empty stack"]!) / 100,
      providerBytes,
    };
    const version = spawnSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).stdout.trim();
    // Every round's figures too, in the JSON only, so that a reader can see how far the medians' inputs spread.
    const perRound = {
      previewWallMs: Object.fromEntries(times),
      oneLookup: Object.fromEntries([...smallRuns].map(([name, runs]) => [name, runs.map(({ wallMs, programMs }) => ({ wallMs, programMs }))])),
    };
    return { cli: version, latencyMs: 50, rounds: ENGINE_ROUNDS, preview, oneLookup, ratios, trace, dependsOn, state, perRound };
  } finally {
    emulator.stop();
    ws.remove();
  }
}

/** Milliseconds from spawning `command` to its first line on stdout (a plugin's port), then kills it. */
function untilFirstLine(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.once("data", () => {
      resolve(performance.now() - started);
      child.kill();
    });
    child.once("error", reject);
  });
}

/** A YAML program with `count` lookups of distinct keys (0: the same program without them), naming the plugin's folder, or not (an installed plugin). */
function yamlLookups(pluginDir: string | undefined, count: number): string {
  const lookups = Array.from(
    { length: count },
    (_, i) =>
      `  k${i}:\n    fn::invoke:\n      function: cloudflare-turn-lookup:index:lookupTurnKey\n      arguments:\n        accountId: ${ACCOUNT_ID}\n        keyId: "${keyId(i)}"\n`,
  ).join("");
  const outputs = count > 0 ? `outputs:\n  last: \${k${count - 1}.name}\n` : "outputs:\n  last: none\n";
  return `name: bench-yaml\nruntime: yaml\n${pluginDir === undefined ? "" : pluginsSection(pluginDir)}${count > 0 ? `variables:\n${lookups}` : ""}${outputs}`;
}

/** A Python program with `count` lookups of distinct keys, all asked at once (the Output form), or none. */
function pythonLookups(count: number): string {
  return `import pulumi
import pulumi_cloudflare_turn_lookup as turn

keys = [turn.lookup_turn_key_output(account_id="${ACCOUNT_ID}", key_id=format(i, "032x")) for i in range(${count})]
pulumi.export("count", pulumi.Output.all(*[k.name for k in keys]).apply(len) if keys else 0)
`;
}

/**
 * The provider plugin: its start, from spawn to the port it prints, beside a
 * bare `node` printing a line (what is ours is the difference); and what
 * one and 100 lookups add to a YAML and a Python program's `pulumi preview`,
 * beside the same program without them, alternating, paired per round, at
 * 50 ms of latency per request.
 */
async function pluginSuite() {
  const plugin = path.join(REPO, "dist/plugin/pulumi-resource-cloudflare-turn-lookup");
  const startRounds = QUICK ? 5 : 21;
  const starts: { plugin: number[]; node: number[] } = { plugin: [], node: [] };
  for (let round = 0; round < startRounds; round++) {
    for (const which of round % 2 ? (["node", "plugin"] as const) : (["plugin", "node"] as const)) {
      starts[which].push(which === "plugin" ? await untilFirstLine(plugin, []) : await untilFirstLine(process.execPath, ["-e", "console.log(0)"]));
    }
  }
  const start = {
    rounds: startRounds,
    node: process.version,
    pluginMs: median(starts.plugin),
    bareNodeMs: median(starts.node),
    oursMs: median(starts.plugin.map((ms, i) => ms - starts.node[i]!)),
  };
  log(`plugin start: ${fmt(start.pluginMs)} ms (bare node ${fmt(start.bareNodeMs)} ms)`);

  const binPath = cliWithHosts(["yaml", "python"]);
  if (!binPath) throw new Error("the plugin benchmarks need the Pulumi CLI");
  const venv = pythonWithSdk();
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(100), "--latency-ms", "50"]);
  const pluginDir = path.dirname(plugin);
  const programs: { language: "yaml" | "yaml-installed" | "python"; count: number; ws: Workspace }[] = [];
  try {
    const archive = execFileSync(process.execPath, [path.join(REPO, "scripts/plugin-archive.mjs"), fs.mkdtempSync(path.join(os.tmpdir(), "bench-archive-"))], {
      encoding: "utf8",
    })
      .split("\n")
      .find((line) => line.endsWith(`-${PLATFORM}.tar.gz`))!;
    for (const language of ["yaml", "yaml-installed", "python"] as const) {
      for (const count of language === "yaml-installed" ? [0, 1] : [0, 1, 100]) {
        const files: Record<string, string> =
          language === "python"
            ? { "Pulumi.yaml": `name: bench-python\nruntime: python\n${pluginsSection(pluginDir)}`, "__main__.py": pythonLookups(count) }
            : { "Pulumi.yaml": yamlLookups(language === "yaml" ? pluginDir : undefined, count) };
        const ws = workspaceOf(`bench-${language}-${count}`, files, language === "python" ? `${path.join(venv, "bin")}${path.delimiter}${binPath}` : binPath);
        // Installed into the plugin cache, where the YAML host keeps the schema it read, instead of starting the plugin for it.
        if (language === "yaml-installed") await ws.ok(["plugin", "install", "resource", "cloudflare-turn-lookup", "0.1.0", "--file", archive]);
        await ws.initStack("bench", { "cloudflare-turn-lookup:baseUrl": emulator.url }, { "cloudflare-turn-lookup:apiToken": TOKEN });
        await ws.ok(["preview"]);
        programs.push({ language, count, ws });
      }
    }
    const rounds = QUICK ? 2 : 7;
    const times = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const p of rotate(programs, round)) {
        const started = performance.now();
        await p.ws.ok(["preview"]);
        const key = `${p.language} ${p.count}`;
        times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
      }
      log(`plugin programs round ${round + 1} of ${rounds}`);
    }
    const added = (language: string, count: number) => median(times.get(`${language} ${count}`)!.map((ms, round) => ms - times.get(`${language} 0`)![round]!));
    const programsRows = (["yaml", "yaml-installed", "python"] as const).map((language) => ({
      language,
      withoutMs: median(times.get(`${language} 0`)!),
      oneAddedMs: added(language, 1),
      hundredAddedMs: language === "yaml-installed" ? undefined : added(language, 100),
    }));
    const cancel = await cancelDuringSlowRead(binPath, pluginDir);
    return { start, latencyMs: 50, rounds, programs: programsRows, perRound: Object.fromEntries(times), cancel };
  } finally {
    emulator.stop();
    for (const p of programs) p.ws.remove();
  }
}

/**
 * One Ctrl-C during a slow read: `pulumi up` of a YAML program whose one
 * lookup waits on a 60 s response gets SIGINT once its request has reached
 * the emulator; the time from the signal to the CLI's exit, per round.
 */
async function cancelDuringSlowRead(binPath: string, pluginDir: string): Promise<{ rounds: number; exitMs: number[] }> {
  const slow = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(1), "--latency-ms", "60000"]);
  const ws = workspaceOf(
    "bench-cancel",
    {
      "Pulumi.yaml": `${yamlLookups(pluginDir, 0).replace(/outputs:[\s\S]*$/, "")}resources:\n  key:\n    type: cloudflare-turn-lookup:index:TurnKeyLookup\n    properties:\n      accountId: ${ACCOUNT_ID}\n      keyId: "${keyId(0)}"\n`,
    },
    binPath,
  );
  const exitMs: number[] = [];
  try {
    await ws.initStack("bench", { "cloudflare-turn-lookup:baseUrl": slow.url }, { "cloudflare-turn-lookup:apiToken": TOKEN });
    for (let round = 0; round < (QUICK ? 1 : 5); round++) {
      await clearRequests(slow);
      const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
        cwd: ws.dir,
        env: cliEnvironment(binPath, ws.dir),
        stdio: "ignore",
      });
      const exited = new Promise<void>((resolve) => up.once("exit", () => resolve()));
      while ((await requestLog(slow)).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const signalled = performance.now();
      up.kill("SIGINT");
      await exited;
      exitMs.push(performance.now() - signalled);
    }
    log(`Ctrl-C to exit: ${exitMs.map((ms) => fmt(ms)).join(", ")} ms`);
    return { rounds: exitMs.length, exitMs };
  } finally {
    slow.stop();
    ws.remove();
  }
}

/** One event of the trace of a lookup in a preview: when, since the CLI started, and the program process's CPU by then. */
interface TraceRow {
  event: string;
  sinceCliStartMs: number;
  programCpuMs: number | undefined;
}

/** One traced `pulumi preview`: the CLI's wall time, the program process's events, and its life from the SDK loaded to its exit. */
interface TracedPreview {
  wallMs: number;
  programMs: number;
  /** Since the CLI started. */
  programStartMs: number;
  events: { event: string; sinceCliStartMs: number; cpuMs: number }[];
}

/**
 * One `pulumi preview` of `stack`, with bench/trace-preload.cjs in the
 * program process: its start and exit, the loads of the SDK, this package
 * and undici's Agent, the request's steps and the value reaching the program.
 */
async function tracedPreview(ws: Workspace, stack: string): Promise<TracedPreview> {
  await ws.ok(["stack", "select", stack]);
  const traceFile = path.join(os.tmpdir(), `turn-lookup-trace-${process.pid}.json`);
  const env = { NODE_OPTIONS: `--require ${path.join(REPO, "bench/trace-preload.cjs")}`, TURN_LOOKUP_TRACE_FILE: traceFile };
  const cliStart = performance.timeOrigin + performance.now();
  const r = await ws.run(["preview"], { env });
  const wallMs = performance.timeOrigin + performance.now() - cliStart;
  if (r.code !== 0) throw new Error(`traced preview of ${stack} failed:\n${r.stdout}\n${r.stderr}`);
  const trace = JSON.parse(fs.readFileSync(traceFile, "utf8")) as { timeOrigin: number; events: { event: string; at: number; cpuMs: number }[] };
  fs.rmSync(traceFile, { force: true });
  const events = trace.events.map((e) => ({ event: e.event, sinceCliStartMs: trace.timeOrigin + e.at - cliStart, cpuMs: e.cpuMs }));
  const at = (event: string) => {
    const found = events.find((e) => e.event === event);
    if (!found) throw new Error(`the trace of ${stack} has no "${event}"`);
    return found.sinceCliStartMs;
  };
  return { wallMs, programMs: at("program process exits") - at("loaded the Pulumi SDK"), programStartMs: trace.timeOrigin - cliStart, events };
}

/** The trace of one preview as the report's rows: the CLI's start and exit around the program process's events. */
function traceRows(t: TracedPreview): TraceRow[] {
  return [
    { event: "pulumi preview starts", sinceCliStartMs: 0, programCpuMs: undefined },
    { event: "program process starts", sinceCliStartMs: t.programStartMs, programCpuMs: 0 },
    ...t.events.map((e) => ({ event: e.event, sinceCliStartMs: e.sinceCliStartMs, programCpuMs: e.cpuMs })),
    { event: "pulumi preview exits", sinceCliStartMs: t.wallMs, programCpuMs: undefined },
  ];
}

/**
 * `pulumi up` of a stack whose only resource takes 1 s to create, with and
 * without one function lookup that names it in `dependsOn`: the lookup runs
 * once the resource exists, so what it adds is its own cost after the wait.
 */
async function dependsOnRow(ws: Workspace, config: (s: ScenarioSpec, extra?: Record<string, string>) => Record<string, string>) {
  const stacks = { without: "slow-resource", with: "slow-resource-then-lookup" } as const;
  await ws.initStack(stacks.without, config({ name: "slow", form: "function", count: 0, distinct: 1 }, { slowMs: "1000" }), { "cloudflare:apiToken": TOKEN });
  await ws.initStack(stacks.with, config({ name: "slow+lookup", form: "function", count: 1, distinct: 1 }, { slowMs: "1000" }), {
    "cloudflare:apiToken": TOKEN,
  });
  const times: Record<keyof typeof stacks, number[]> = { without: [], with: [] };
  for (let round = 0; round < ENGINE_ROUNDS; round++) {
    for (const which of rotate(["without", "with"] as const, round)) {
      await ws.ok(["stack", "select", stacks[which]]);
      const started = performance.now();
      await ws.ok(["up", "--yes", "--skip-preview"]);
      times[which].push(performance.now() - started);
      await ws.ok(["destroy", "--yes", "--skip-preview"]);
      log(`engine dependsOn (${which} the lookup) round ${round + 1}: up ${fmt(times[which].at(-1)!)} ms`);
    }
  }
  return { resourceAloneUpMs: median(times.without), withLookupUpMs: median(times.with), lookupAddedMs: median(times.with) - median(times.without) };
}

// 5. CPU up to the first value ---------------------------------------------------

/** The CPU this package spends in a fresh program process up to its first value, in {@link CPU_PROCESSES} processes. */
const CPU_PROCESSES = 7;
async function firstValueCpu() {
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(1)]);
  try {
    const runs: { cpuMs: number; loadCpuMs: number }[] = [];
    for (let i = 0; i < CPU_PROCESSES; i++) {
      const out = execFileSync(process.execPath, [path.join(REPO, "bench/first-value-worker.cjs"), emulator.url, TOKEN, ACCOUNT_ID, keyId(0)], {
        cwd: REPO,
        encoding: "utf8",
      });
      runs.push(JSON.parse(out) as { cpuMs: number; loadCpuMs: number });
    }
    return { processes: CPU_PROCESSES, cpuMs: median(runs.map((r) => r.cpuMs)), loadCpuMs: median(runs.map((r) => r.loadCpuMs)), node: process.version };
  } finally {
    emulator.stop();
  }
}

// Report -----------------------------------------------------------------------

/** Section 1's tables: throughput against the SDK and the floor, and cold start. */
function clientMarkdown(client: Awaited<ReturnType<typeof clientSuite>>): string[] {
  const lines: string[] = [];
  lines.push(`### 1. Client: ${fmt(client.lookups)} lookups over ${fmt(client.distinctKeys)} distinct keys, median of ${client.rounds} rounds`, "");
  lines.push("| concurrency | contender | req/s | p50 ms | p99 ms | peak RSS MiB |", "|---:|---|---:|---:|---:|---:|");
  for (const s of client.summary) {
    for (const c of CONTENDERS) {
      const st = s[c];
      lines.push(
        `| ${s.concurrency} | ${c === "ours" ? "getTurnKey (ours)" : c === "sdk" ? "cloudflare SDK" : "bare undici Pool (floor)"} | ${fmt(st.rps)} | ${fmt(st.p50, 2)} | ${fmt(st.p99, 2)} | ${fmt(st.peakRssMiB, 1)} |`,
      );
    }
  }
  lines.push("", "| concurrency | ours / SDK (target ≥ 2.5) | ours / floor (guard ≥ 0.7) |", "|---:|---:|---:|");
  for (const s of client.summary) lines.push(`| ${s.concurrency} | ${fmt(s.oursOverSdk, 2)} | ${fmt(s.oursOverFloor, 2)} |`);
  lines.push("", "| cold start (median of 5 processes) | load module (+ make client) ms | load + first lookup ms |", "|---|---:|---:|");
  for (const c of CONTENDERS) lines.push(`| ${c} | ${fmt(client.cold[c].importMs, 1)} | ${fmt(client.cold[c].firstLookupMs, 1)} |`);
  return lines;
}

/** Section 5's table. */
function cpuMarkdown(c: Awaited<ReturnType<typeof firstValueCpu>>): string[] {
  return [
    "",
    `### 5. CPU up to the first value (${c.node}, median of ${c.processes} fresh processes)`,
    "",
    "From requiring `/compat` to the resolved `getCallsTurnApp`, with `@pulumi/pulumi` already loaded, against the emulator in another process.",
    "",
    "| measure | CPU ms (user + system) | target |",
    "|---|---:|---:|",
    `| loading \`/compat\` | ${fmt(c.loadCpuMs)} | |`,
    `| loading it and the first value | ${fmt(c.cpuMs)} | ≤ 55 (Node.js 20) |`,
  ];
}

function markdown(r: {
  client: Awaited<ReturnType<typeof clientSuite>>;
  list: Awaited<ReturnType<typeof listSuite>>;
  provider: Awaited<ReturnType<typeof providerSuite>>;
  engine: Awaited<ReturnType<typeof engineSuite>>;
  cpu: Awaited<ReturnType<typeof firstValueCpu>>;
  plugin: Awaited<ReturnType<typeof pluginSuite>>;
  machine: string;
  date: string;
}) {
  const lines: string[] = [];
  lines.push(`Measured ${r.date} on ${r.machine}${QUICK ? " (quick mode: smaller runs, one round)" : ""}.`, "");
  lines.push(...clientMarkdown(r.client));
  const l = r.list;
  lines.push("", `### 1b. Listing an account of ${fmt(l.keys)} keys, median of ${fmt(l.lists)} lists each, alternating`, "");
  lines.push(
    "| contender | ms per list |",
    "|---|---:|",
    `| listTurnKeys (ours) | ${fmt(l.oursMs, 1)} |`,
    `| cloudflare SDK calls.turn.list | ${fmt(l.sdkMs, 1)} |`,
  );
  lines.push("", `SDK time / ours: ${fmt(l.sdkOverOurs, 2)}.`);
  const p = r.provider;
  lines.push("", `### 2. Provider process (real dynamic-provider gRPC server), median of ${p.rounds.length} rounds`, "");
  lines.push("| measure | value |", "|---|---:|");
  lines.push(`| spawn to first Read answered | ${fmt(p.firstReadMs)} ms |`);
  lines.push(`| ${fmt(p.reads)} Reads of ${fmt(p.reads)} distinct keys (16 at a time) | ${fmt(p.distinctMs)} ms |`);
  lines.push(`| the same lookups through the client alone | ${fmt(p.clientOnlyMs)} ms |`);
  lines.push(`| provider path / client only | ${fmt(p.providerOverClient, 2)} |`);
  lines.push(`| ${fmt(p.reads)} Reads of one key | ${fmt(p.oneKeyMs)} ms, ${p.oneKeyRequests} HTTP request(s) |`);
  lines.push(`| provider process peak RSS | ${fmt(p.peakRssMiB, 1)} MiB |`);
  const e = r.engine;
  lines.push("", `### 3. Engine: \`pulumi preview\` (${e.cli}), ${e.latencyMs} ms injected latency per request, median of ${e.rounds} rounds`, "");
  lines.push("| stack | wall time ms | added to the same round's empty stack ms | HTTP requests per distinct key |", "|---|---:|---:|---:|");
  for (const row of e.preview)
    lines.push(
      `| ${row.scenario} | ${fmt(row.wallMs)} | ${row === e.preview[0] ? "" : fmt(row.addedMs)} | ${row.requestsPerDistinctKey === undefined ? "n/a" : fmt(row.requestsPerDistinctKey, 2)} |`,
    );
  lines.push("", "| ratio | value | target |", "|---|---:|---:|");
  lines.push(`| 100 function lookups added / 100 floor reads added | ${fmt(e.ratios.functionOverFloor, 2)} | ≤ 0.10 |`);
  lines.push(`| 100 TurnKeyLookups added / 100 floor reads added | ${fmt(e.ratios.resourceOverFloor, 2)} | ≤ 1.1 |`);
  lines.push(`| 100 TurnKeyLookups added / 100 six-output floor reads added | ${fmt(e.ratios.resourceOverSixOutputFloor, 2)} | |`);
  const o = e.oneLookup;
  lines.push(
    "",
    `**One lookup**: the empty stack (${fmt(o.emptyMs)} ms), 1 function lookup, 1 floor read, and both, alternating over ${o.rounds} rounds, every preview traced; ` +
      "what a stack adds is the median of its difference from the same round's baseline. Two clocks: the CLI's wall time, and the program process's own life from the SDK loaded to its exit.",
    "",
  );
  lines.push("| measure | CLI wall | program process | target |", "|---|---:|---:|---:|");
  lines.push(`| 1 function lookup, added to the empty stack | ${fmt(o.functionAddedMs)} ms | ${fmt(o.programFunctionAddedMs)} ms | |`);
  lines.push(`| 1 floor read, added to the empty stack | ${fmt(o.floorAddedMs)} ms | ${fmt(o.programFloorAddedMs)} ms | |`);
  lines.push(
    `| 1 function lookup added / 1 floor read added | ${fmt(e.ratios.oneFunctionOverOneFloor, 2)} | ${fmt(e.ratios.oneFunctionOverOneFloorInProgram, 2)} | ≤ 0.15 |`,
  );
  lines.push(`| 1 function lookup beside 1 floor read, added | ${fmt(o.besideFloorAddedMs)} ms | | |`);
  lines.push("", "**`dependsOn`**: `pulumi up` of a stack whose one resource takes 1 s to create, median of each:", "");
  lines.push("| stack | `pulumi up` ms |", "|---|---:|");
  lines.push(
    `| the resource alone | ${fmt(e.dependsOn.resourceAloneUpMs)} |`,
    `| the resource, then a lookup with \`dependsOn: [resource]\` | ${fmt(e.dependsOn.withLookupUpMs)} |`,
  );
  lines.push(`| added by the lookup | ${fmt(e.dependsOn.lookupAddedMs)} |`);
  lines.push(
    "",
    "**Trace of one function lookup** in one `pulumi preview` of the one-lookup stack (ms since `pulumi preview` started; CPU of the program process by then):",
    "",
  );
  lines.push("| event | at ms | program CPU ms |", "|---|---:|---:|");
  for (const row of e.trace) lines.push(`| ${row.event} | ${fmt(row.sinceCliStartMs)} | ${row.programCpuMs === undefined ? "" : fmt(row.programCpuMs)} |`);
  const at = (event: string) => e.trace.find((row) => row.event === event);
  const [loading, sent, answered, value] = ["loading this package", "request sent", "response headers", "value reached the program"].map(at);
  if (loading && sent && answered && value) {
    lines.push(
      "",
      `From loading this package to the value in the program: ${fmt(value.sinceCliStartMs - loading.sinceCliStartMs)} ms, of which ${fmt(answered.sinceCliStartMs - sent.sinceCliStartMs)} ms waiting for the answer (${e.latencyMs} ms injected), and ${fmt(value.programCpuMs! - loading.programCpuMs!)} ms of the program's CPU.`,
    );
  }
  lines.push(...cpuMarkdown(r.cpu));
  lines.push("", "### 4. State cost", "", "| measure | bytes |", "|---|---:|");
  lines.push(`| \`pulumi stack export\`, empty stack | ${fmt(e.state.exportBytesEmpty)} |`);
  lines.push(
    `| added per TurnKeyLookup | ${fmt(e.state.bytesPerResourceLookup)} |`,
    `| of which \`__provider\` (stored twice) | ${fmt(e.state.providerBytes)} |`,
  );
  lines.push(`| added per function lookup | ${fmt(e.state.bytesPerFunctionLookup)} |`);
  lines.push(...pluginMarkdown(r.plugin));
  return lines.join("\n");
}

/** Section 6: the provider plugin. */
function pluginMarkdown(g: Awaited<ReturnType<typeof pluginSuite>>): string[] {
  const lines: string[] = [];
  lines.push("", `### 6. The provider plugin (${g.start.node})`, "");
  lines.push(`From spawn to the port it prints, median of ${g.start.rounds}, beside a bare \`node\` printing a line:`, "");
  lines.push("| measure | ms | target |", "|---|---:|---:|");
  lines.push(
    `| the plugin | ${fmt(g.start.pluginMs)} | ≤ 120 (Node.js 20) |`,
    `| bare \`node -e\` | ${fmt(g.start.bareNodeMs)} | |`,
    `| ours (paired difference) | ${fmt(g.start.oursMs)} | |`,
  );
  lines.push(
    "",
    `What lookups add to a program's \`pulumi preview\`, ${g.latencyMs} ms injected latency per request, paired per round against the same program without them, median of ${g.rounds} rounds:`,
    "",
  );
  lines.push("| program | preview without lookups, ms | 1 lookup adds, ms | 100 lookups add, ms | target (1 lookup) |", "|---|---:|---:|---:|---:|");
  const names = {
    yaml: "YAML, plugin named by `plugins.providers[].path`",
    "yaml-installed": "YAML, plugin installed (`pulumi plugin install`)",
    python: "Python",
  };
  for (const row of g.programs) {
    const hundred = row.hundredAddedMs === undefined ? "" : `+${fmt(row.hundredAddedMs)}`;
    lines.push(`| ${names[row.language]} | ${fmt(row.withoutMs)} | +${fmt(row.oneAddedMs)} | ${hundred} | ${row.language === "python" ? "" : "≤ +300"} |`);
  }
  lines.push(
    "",
    `One Ctrl-C during a slow read (a 60 s response): from SIGINT to the exit of \`pulumi up\`, ${g.cancel.rounds} rounds: ${g.cancel.exitMs.map((ms) => fmt(ms)).join(", ")} ms (median ${fmt(median(g.cancel.exitMs))} ms; target ≤ 5,000).`,
  );
  return lines;
}

function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main() {
  const date = new Date().toISOString();
  if (process.argv.includes("--plugin-only")) {
    process.stdout.write(`${pluginMarkdown(await pluginSuite()).join("\n")}\n`);
    return;
  }
  if (process.argv.includes("--client-only")) {
    const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(Math.max(CLIENT_LOOKUPS, 5_000))]);
    try {
      process.stdout.write(`Measured ${date} on ${machineLine()}.\n\n${clientMarkdown(await clientSuite(emulator)).join("\n")}\n`);
    } finally {
      emulator.stop();
    }
    process.stdout.write(`${cpuMarkdown(await firstValueCpu()).join("\n")}\n`);
    return;
  }
  const machine = machineLine();
  log(`${QUICK ? "quick mode; " : ""}emulator in its own process, seeded with ${CLIENT_LOOKUPS} keys`);
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(Math.max(CLIENT_LOOKUPS, 5_000), LISTED_KEYS)]);
  let client, list, provider;
  try {
    client = await clientSuite(emulator);
    list = await listSuite(emulator);
    provider = await providerSuite(emulator);
  } finally {
    emulator.stop();
  }
  const engine = await engineSuite();
  const cpu = await firstValueCpu();
  const plugin = await pluginSuite();
  const report = { date, machine, quick: QUICK, client, list, provider, engine, cpu, plugin };
  const dir = path.join(REPO, "bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date.replace(/[:.]/g, "-")}${QUICK ? "-quick" : ""}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  process.stdout.write(`${markdown({ client, list, provider, engine, cpu, plugin, machine, date })}\n\nJSON: ${path.relative(REPO, file)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
