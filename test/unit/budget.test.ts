// One request budget per Cloudflare user, in one process: every client with
// the same credential and API spends from it; another credential has its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { TurnKeyLookupAbortedError, createTurnKeyClient } from "../../provider/lookupClient";
import { ACCOUNT_ID } from "../support/ids";
import { until } from "../support/until";

const keyOf = (i: number) => i.toString(16).padStart(32, "0");
const SHARED = Array.from({ length: 20 }, (_, i) => keyOf(i + 1));
const OTHERS = Array.from({ length: 5 }, (_, i) => keyOf(i + 101));
// Ten requests, then none for an hour: whatever a test sees past ten came from another budget.
const LIMITS = { requestsPerInterval: 10, burst: 10, intervalMs: 3_600_000 };

let emulator: RunningEmulator;
beforeAll(async () => {
  // Any non-empty token is accepted: the two tokens are two users of one API.
  emulator = await startEmulator({ seed: { keys: [...SHARED, ...OTHERS].map((uid) => ({ accountId: ACCOUNT_ID, uid, name: `key-${uid}` })) } });
});
afterAll(() => emulator?.close());

const requestsFor = (keys: readonly string[]) => emulator.requests.filter((r) => keys.some((k) => r.path.endsWith(`/${k}`)));

describe("the request budget is the Cloudflare user's, across clients", () => {
  it("20 clients with one token send 10 requests for 20 distinct keys; 5 clients with another token send their 5 at once", async () => {
    const stop = new AbortController();
    const client = (apiToken: string) => createTurnKeyClient({ apiToken, baseUrl: emulator.url, env: {}, limits: LIMITS });
    const shared = SHARED.map(() => client("token-of-user-a"));
    const others = OTHERS.map(() => client("token-of-user-b"));
    const waiting = shared.map((c, i) => c.getTurnKey({ accountId: ACCOUNT_ID, keyId: SHARED[i]! }, { signal: stop.signal }).catch((e: unknown) => e));
    await until(() => requestsFor(SHARED).length === 10, "ten of user a's lookups reach the API");

    // User b is not held up by user a's spent budget.
    const theirs = await Promise.all(others.map((c, i) => c.getTurnKey({ accountId: ACCOUNT_ID, keyId: OTHERS[i]! }, { signal: AbortSignal.timeout(10_000) })));
    expect(theirs.map((k) => k.name)).toEqual(OTHERS.map((uid) => `key-${uid}`));
    expect(requestsFor(OTHERS)).toHaveLength(5);

    // By then, user a's other ten lookups are still waiting for budget: nothing more was sent for them.
    expect(requestsFor(SHARED)).toHaveLength(10);
    stop.abort();
    const outcomes = await Promise.all(waiting);
    expect(outcomes.filter((o) => TurnKeyLookupAbortedError.isInstance(o))).toHaveLength(10);
    expect(outcomes.filter((o) => typeof o === "object" && o !== null && "uid" in o)).toHaveLength(10);
    await Promise.all([...shared, ...others].map((c) => c.close()));
  });
});
