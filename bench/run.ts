// `npm run bench [-- --quick]`: the lookup path against the official SDK and
// a bare undici floor, the provider process as the engine drives it, the
// real engine's preview, and the state cost. Contenders run alternately in
// the same run; medians over rounds and ratios are reported, because these
// machines are shared and noisy. Results: a markdown table on stdout and
// JSON under bench/results/.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Workspace } from "../test/e2e/harness";
import { type EmulatorProcess, startEmulatorProcess } from "../test/support/emulatorProcess";
import { REPO } from "../test/support/packed";
import { ProviderProcess, serializeProvider } from "../test/support/providerProcess";

const QUICK = process.argv.includes("--quick");
const ROUNDS = QUICK ? 1 : 3;
const CLIENT_LOOKUPS = QUICK ? 1_000 : 5_000;
const PROVIDER_READS = QUICK ? 200 : 1_000;
const ENGINE_ROUNDS = QUICK ? 1 : 3;
const CONCURRENCIES = [1, 16, 64];
const CONTENDERS = ["ours", "sdk", "floor"] as const;
const ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353";
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

function writeSeed(count: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "turn-bench-")), "seed.json");
  const keys = Array.from({ length: count }, (_, i) => ({ accountId: ACCOUNT_ID, uid: keyId(i), name: `bench-key-${i}` }));
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
  const out = execFileSync(process.execPath, [path.join(REPO, "bench/client-worker.mjs"), contender, String(concurrency), String(lookups), url, ACCOUNT_ID, String(lookups)], {
    encoding: "utf8",
  });
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
  const text = await serializeProvider((await import("../provider/dynamicProvider.js")).turnKeyProvider);
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

const SCENARIOS = [
  { name: "0 lookups", count: 0, distinct: 1 },
  { name: "10 lookups", count: 10, distinct: 10 },
  { name: "100 lookups", count: 100, distinct: 100 },
  { name: "100 lookups of 10 keys", count: 100, distinct: 10 },
];

async function engineSuite() {
  const binDir = execFileSync(process.execPath, [path.join(REPO, "scripts/pulumi.mjs"), "--bin-dir"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(100), "--latency-ms", "50"]);
  const ws = Workspace.create("turn-bench", path.join(REPO, "bench/stacks/lookups/index.ts"), binDir);
  try {
    const stackOf = (s: (typeof SCENARIOS)[number]) => s.name.replace(/\W+/g, "-");
    for (const s of SCENARIOS) {
      await ws.initStack(stackOf(s), { accountId: ACCOUNT_ID, count: String(s.count), distinct: String(s.distinct), "cloudflare:baseUrl": emulator.url }, { "cloudflare:apiToken": TOKEN });
    }
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
        if (s.count > 0) perKey.set(s.name, Math.max(perKey.get(s.name) ?? 0, gets / s.distinct));
        log(`engine ${s.name} round ${round + 1}: preview ${fmt(ms)} ms, ${gets} GETs`);
      }
    }
    const preview = SCENARIOS.map((s) => ({ scenario: s.name, wallMs: median(times.get(s.name)!), requestsPerDistinctKey: perKey.get(s.name) ?? 0 }));
    const base = preview[0]!.wallMs;
    const marginal = {
      per10: (preview[1]!.wallMs - base) / 10,
      per100: (preview[2]!.wallMs - base) / 100,
      per100of10: (preview[3]!.wallMs - base) / 100,
    };

    // State cost: deploy the empty and the 100-lookup stacks, compare exports.
    const exportBytes: Record<string, number> = {};
    let providerBytes = 0;
    for (const s of [SCENARIOS[0]!, SCENARIOS[2]!]) {
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
      exportBytes0: exportBytes[SCENARIOS[0]!.name]!,
      exportBytes100: exportBytes[SCENARIOS[2]!.name]!,
      bytesPerLookup: (exportBytes[SCENARIOS[2]!.name]! - exportBytes[SCENARIOS[0]!.name]!) / 100,
      providerBytes,
    };
    const version = spawnSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).stdout.trim();
    return { cli: version, latencyMs: 50, rounds: ENGINE_ROUNDS, preview, marginal, state };
  } finally {
    emulator.stop();
    ws.remove();
  }
}

// Report -----------------------------------------------------------------------

function markdown(r: { client: Awaited<ReturnType<typeof clientSuite>>; provider: Awaited<ReturnType<typeof providerSuite>>; engine: Awaited<ReturnType<typeof engineSuite>>; machine: string; date: string }) {
  const lines: string[] = [];
  lines.push(`Measured ${r.date} on ${r.machine}${QUICK ? " (quick mode: smaller runs, one round)" : ""}.`, "");
  lines.push(`### 1. Client: ${fmt(r.client.lookups)} lookups over ${fmt(r.client.distinctKeys)} distinct keys, median of ${r.client.rounds} rounds`, "");
  lines.push("| concurrency | contender | req/s | p50 ms | p99 ms | peak RSS MiB |", "|---:|---|---:|---:|---:|---:|");
  for (const s of r.client.summary) {
    for (const c of CONTENDERS) {
      const st = s[c];
      lines.push(`| ${s.concurrency} | ${c === "ours" ? "getTurnKey (ours)" : c === "sdk" ? "cloudflare SDK" : "bare undici Pool (floor)"} | ${fmt(st.rps)} | ${fmt(st.p50, 2)} | ${fmt(st.p99, 2)} | ${fmt(st.peakRssMiB, 1)} |`);
    }
  }
  lines.push("", "| concurrency | ours / SDK (target ≥ 2.5) | ours / floor (target ≥ 0.85) |", "|---:|---:|---:|");
  for (const s of r.client.summary) lines.push(`| ${s.concurrency} | ${fmt(s.oursOverSdk, 2)} | ${fmt(s.oursOverFloor, 2)} |`);
  lines.push("", "| cold start (median of 5 processes) | load module (+ make client) ms | load + first lookup ms |", "|---|---:|---:|");
  for (const c of CONTENDERS) lines.push(`| ${c} | ${fmt(r.client.cold[c].importMs, 1)} | ${fmt(r.client.cold[c].firstLookupMs, 1)} |`);
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
  lines.push("| stack | wall time ms | HTTP requests per distinct key |", "|---|---:|---:|");
  for (const row of e.preview) lines.push(`| ${row.scenario} | ${fmt(row.wallMs)} | ${row.scenario.startsWith("0") ? "n/a" : fmt(row.requestsPerDistinctKey, 1)} |`);
  lines.push("", `Marginal cost per lookup: ${fmt(e.marginal.per10, 1)} ms (10 lookups), ${fmt(e.marginal.per100, 1)} ms (100 lookups), ${fmt(e.marginal.per100of10, 1)} ms (100 lookups of 10 keys).`);
  lines.push("", "### 4. State cost", "", "| measure | bytes |", "|---|---:|");
  lines.push(`| \`pulumi stack export\`, empty stack | ${fmt(e.state.exportBytes0)} |`, `| \`pulumi stack export\`, 100 lookups | ${fmt(e.state.exportBytes100)} |`);
  lines.push(`| per lookup | ${fmt(e.state.bytesPerLookup)} |`, `| \`__provider\` per lookup | ${fmt(e.state.providerBytes)} |`);
  return lines.join("\n");
}

async function main() {
  const date = new Date().toISOString();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`;
  log(`${QUICK ? "quick mode; " : ""}emulator in its own process, seeded with ${CLIENT_LOOKUPS} keys`);
  const emulator = await startEmulatorProcess(["--token", TOKEN, "--seed", writeSeed(Math.max(CLIENT_LOOKUPS, 5_000))]);
  let client, provider;
  try {
    client = await clientSuite(emulator);
    provider = await providerSuite(emulator);
  } finally {
    emulator.stop();
  }
  const engine = await engineSuite();
  const report = { date, machine, quick: QUICK, client, provider, engine };
  const dir = path.join(REPO, "bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date.replace(/[:.]/g, "-")}${QUICK ? "-quick" : ""}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  process.stdout.write(`${markdown({ client, provider, engine, machine, date })}\n\nJSON: ${path.relative(REPO, file)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
