// @ts-check
// One client benchmark run in a fresh process: `node bench/client-worker.mjs
// <contender> <concurrency> <lookups> <baseUrl> <accountId> <keyCount>`.
// Prints one JSON line: requests/s, p50/p99 latency (ms), peak RSS (MiB).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [contender, concurrencyArg, lookupsArg, baseUrl, accountId, keyCountArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const lookups = Number(lookupsArg);
const keyCount = Number(keyCountArg);
const token = "bench-token";
const keyId = (/** @type {number} */ i) => (i % keyCount).toString(16).padStart(32, "0");

/** @returns {(i: number) => Promise<{ uid: string }>} */
function contenderFn() {
  if (contender === "ours") {
    const { getTurnKey, configureRequestLimits } = require("../dist/provider/lookupClient.js");
    // The process-wide budget models Cloudflare's real limit; the benchmark measures raw speed.
    configureRequestLimits({ maxConcurrency: 1024, requestsPerInterval: 1e9, intervalMs: 1000, burst: 1e9 });
    return (/** @type {number} */ i) => getTurnKey({ accountId, keyId: keyId(i) }, { apiToken: token, baseUrl, env: {} });
  }
  if (contender === "sdk") {
    /** @type {typeof import("cloudflare").default} */
    const Cloudflare = require("cloudflare");
    const client = new Cloudflare({ apiToken: token, baseURL: baseUrl, maxRetries: 0 });
    return async (/** @type {number} */ i) => /** @type {{ uid: string }} */ (await client.calls.turn.get(keyId(i), { account_id: accountId }));
  }
  if (contender === "floor") {
    const { Pool } = require("undici");
    const url = new URL(baseUrl);
    const pool = new Pool(url.origin, { connections: 128 });
    const headers = { authorization: `Bearer ${token}` };
    return async (/** @type {number} */ i) => {
      const res = await pool.request({ path: `${url.pathname}/accounts/${accountId}/calls/turn_keys/${keyId(i)}`, method: "GET", headers });
      return JSON.parse(await res.body.text()).result;
    };
  }
  throw new Error(`unknown contender ${contender}`);
}

const lookup = contenderFn();
// Warm up connections and JIT, outside the measurement.
for (let i = 0; i < Math.min(200, lookups); i += concurrency) await Promise.all(Array.from({ length: concurrency }, (_, j) => lookup(lookups + i + j)));

const latencies = new Float64Array(lookups);
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < lookups) {
      const i = next++;
      const t = performance.now();
      const key = await lookup(i);
      if (key.uid !== keyId(i)) throw new Error(`wrong key ${key.uid}`);
      latencies[i] = performance.now() - t;
    }
  }),
);
const elapsed = performance.now() - started;
latencies.sort();
const pct = (/** @type {number} */ p) => latencies[Math.min(lookups - 1, Math.floor((p / 100) * lookups))];
const { readFileSync } = await import("node:fs");
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
process.stdout.write(
  `${JSON.stringify({ contender, concurrency, lookups, rps: (lookups / elapsed) * 1000, p50: pct(50), p99: pct(99), peakRssMiB: hwm ? Number(hwm[1]) / 1024 : process.memoryUsage().rss / 2 ** 20 })}\n`,
);
process.exit(0);
