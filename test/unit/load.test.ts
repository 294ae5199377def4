// Load against a rate-limited emulator over real sockets: hundreds of
// lookups share one concurrency cap, one request budget and one backoff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { DEFAULT_REQUEST_LIMITS } from "../../provider/core/settings";
import { configureRequestLimits, getTurnKey } from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN } from "../support/ids";

const KEYS = Array.from({ length: 500 }, (_, i) => i.toString(16).padStart(32, "0"));

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: KEYS.map((uid) => ({ accountId: ACCOUNT_ID, uid, name: `key-${uid}` })) } });
});
afterAll(() => emulator.close());

function lookupAll() {
  return Promise.all(KEYS.map((keyId) => getTurnKey({ accountId: ACCOUNT_ID, keyId }, { apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} })));
}

describe("500 lookups against a rate-limited API", () => {
  it("all succeed when the server allows 100 requests per second, backing off together on 429", async () => {
    configureRequestLimits({ ...DEFAULT_REQUEST_LIMITS });
    emulator.reset();
    emulator.setConditions({ rateLimit: { requests: 100, windowMs: 1_000 } });
    const started = Date.now();
    const keys = await lookupAll();
    const elapsed = Date.now() - started;
    expect(keys.map((k) => k.name)).toEqual(KEYS.map((uid) => `key-${uid}`));
    const limited = emulator.requests.filter((r) => r.status === 429).length;
    expect(emulator.requests.filter((r) => r.status === 200)).toHaveLength(500);
    // The limit was really hit, but without a storm: at most one concurrency's
    // worth of requests meets each closed window before everyone waits.
    expect(limited).toBeGreaterThan(0);
    expect(limited).toBeLessThanOrEqual(DEFAULT_REQUEST_LIMITS.maxConcurrency * 8);
    expect(elapsed).toBeLessThan(30_000);
  }, 60_000);

  it("a client budget matched to the limit avoids 429s altogether", async () => {
    // Any one-second window then holds at most burst + rate = 100 requests.
    configureRequestLimits({ maxConcurrency: 16, requestsPerInterval: 90, intervalMs: 1_000, burst: 10 });
    emulator.reset();
    emulator.setConditions({ rateLimit: { requests: 100, windowMs: 1_000 } });
    const keys = await lookupAll();
    expect(keys).toHaveLength(500);
    expect(emulator.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(emulator.requests).toHaveLength(500);
  }, 60_000);

  it("never has more requests in flight than the concurrency cap", async () => {
    // A budget that never waits: the user's budget is process-wide, and the tests above spent it.
    configureRequestLimits({ maxConcurrency: 4, requestsPerInterval: 1_000_000, intervalMs: 1_000, burst: 1_000_000 });
    emulator.reset();
    emulator.setConditions({ latencyMs: 20 });
    let inFlight = 0;
    let peak = 0;
    const probe = setInterval(() => {
      const started = emulator.requests.filter((r) => r.status === 0).length;
      inFlight = started;
      peak = Math.max(peak, inFlight);
    }, 2);
    await Promise.all(
      KEYS.slice(0, 60).map((keyId) => getTurnKey({ accountId: ACCOUNT_ID, keyId }, { apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} })),
    );
    clearInterval(probe);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
  }, 60_000);
});
