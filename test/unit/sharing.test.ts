// Callers that share one request each keep their own options: deadline,
// signal and retries. Against the emulator over loopback, with latency.
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import {
  CloudflareApiError,
  CloudflareAuthError,
  CloudflareTimeoutError,
  type TurnKeyClient,
  TurnKeyLookupAbortedError,
  TurnKeyNotFoundError,
  closeDefaultTurnKeyClient,
  createTurnKeyClient,
  getTurnKey,
} from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { until } from "../support/until";

const KEY_PATH = `/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`;
const LIST_PATH = `/accounts/${ACCOUNT_ID}/calls/turn_keys`;
const SIX_KEYS = Array.from({ length: 6 }, (_, i) => (i + 1).toString(16).padStart(32, "a"));

let emulator: RunningEmulator;
let client: TurnKeyClient;

beforeAll(async () => {
  emulator = await startEmulator({
    token: CANARY_TOKEN,
    seed: {
      keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "shared-key" }, ...SIX_KEYS.map((uid) => ({ accountId: ACCOUNT_ID, uid, name: `key-${uid}` }))],
    },
  });
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  emulator.reset();
  emulator.setConditions({});
  await client?.close();
  client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} });
});

/** Settles `p`, with how long it took from `since`. */
async function settle<T>(p: Promise<T>, since: number): Promise<{ value?: T; error?: Error; ms: number }> {
  return p.then(
    (value) => ({ value, ms: Date.now() - since }),
    (error: unknown) => ({ error: error as Error, ms: Date.now() - since }),
  );
}

describe("callers sharing one slow request keep their own deadline", () => {
  it.each([
    ["the impatient caller first", [300, 10_000]],
    ["the patient caller first", [10_000, 300]],
  ])("%s: the 300 ms caller times out at its deadline, the 10 s caller gets the key, from one request", async (_order, timeouts) => {
    emulator.setConditions({ latencyMs: 1_500 });
    const started = Date.now();
    const calls = timeouts.map((timeoutMs) => settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { timeoutMs }), started));
    const [a, b] = await Promise.all(calls);
    const byTimeout = new Map([
      [timeouts[0], a!],
      [timeouts[1], b!],
    ]);
    const impatient = byTimeout.get(300)!;
    const patient = byTimeout.get(10_000)!;
    expect(impatient.error).toBeInstanceOf(CloudflareTimeoutError);
    expect(impatient.error!.message).toContain("did not finish within its 300 ms deadline");
    expect(impatient.ms).toBeGreaterThanOrEqual(290);
    expect(impatient.ms).toBeLessThan(1_000);
    expect(patient.error).toBeUndefined();
    expect(patient.value!.name).toBe("shared-key");
    expect(patient.ms).toBeGreaterThanOrEqual(1_400);
    expect(emulator.requests).toHaveLength(1);
  });

  it("a request every caller has left is abandoned: it is not waited for, and a later call starts afresh", async () => {
    emulator.setConditions({ latencyMs: 1_000 });
    const started = Date.now();
    const outcomes = await Promise.all(
      [200, 250].map((timeoutMs) => settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { timeoutMs }), started)),
    );
    for (const o of outcomes) expect(o.error).toBeInstanceOf(CloudflareTimeoutError);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(700);
    expect(emulator.requests).toHaveLength(1);
    emulator.setConditions({});
    const later = Date.now();
    await expect(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID })).resolves.toMatchObject({ name: "shared-key" });
    // A request of its own, answered at once: it did not join the abandoned one, still held up by its 1 s of latency.
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests[1]!.status).toBe(200);
    expect(Date.now() - later).toBeLessThan(700);
  });

  it("a caller's signal stops that caller only; the request goes on for the other", async () => {
    emulator.setConditions({ latencyMs: 600 });
    const controller = new AbortController();
    const started = Date.now();
    const aborted = settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { signal: controller.signal }), started);
    const other = settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }), started);
    // Abort once the shared request is at the server.
    await until(() => emulator.requests.length === 1, "the shared request reaches the emulator");
    controller.abort();
    const [a, b] = await Promise.all([aborted, other]);
    expect(a.error).toBeInstanceOf(TurnKeyLookupAbortedError);
    expect(a.ms).toBeLessThan(400);
    expect(b.value!.name).toBe("shared-key");
    expect(emulator.requests).toHaveLength(1);
  });
});

describe("one signal shared by many lookups", () => {
  it("20 lookups on one signal hold one abort listener, stop together, and leave none behind; no listener-leak warning", async () => {
    emulator.setConditions({ latencyMs: 400 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const started = Date.now();
      const calls = SIX_KEYS.concat(SIX_KEYS, SIX_KEYS, SIX_KEYS)
        .slice(0, 20)
        .map((keyId, i) => settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: i < 6 ? keyId : KEY_ID }, { signal: controller.signal }), started));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      await until(() => emulator.requests.length > 0, "the first request reaches the emulator");
      controller.abort();
      const outcomes = await Promise.all(calls);
      expect(outcomes.map((o) => o.error?.name)).toEqual(Array(20).fill("TurnKeyLookupAbortedError"));
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(400);

      const later = new AbortController();
      const keys = await Promise.all(SIX_KEYS.map((keyId) => client.getTurnKey({ accountId: ACCOUNT_ID, keyId }, { signal: later.signal })));
      expect(keys.map((k) => k.name)).toEqual(SIX_KEYS.map((uid) => `key-${uid}`));
      expect(getEventListeners(later.signal, "abort")).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("retries serve the most patient caller, never past a caller's own allowance", () => {
  it("a caller allowing no retry gets the first failure; a caller allowing retries gets the key, from the same requests", async () => {
    emulator.addFaults([{ path: KEY_PATH, method: "GET", steps: [{ status: 503, body: "busy" }, { passthrough: true }] }]);
    const started = Date.now();
    const [strict, patient] = await Promise.all([
      settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { maxRetries: 0 }), started),
      settle(client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { maxRetries: 3 }), started),
    ]);
    expect(strict.error).toBeInstanceOf(CloudflareApiError);
    expect((strict.error as CloudflareApiError).status).toBe(503);
    expect(strict.ms).toBeLessThan(400);
    expect(patient.value!.name).toBe("shared-key");
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("each sharing caller's own logger gets the retry line, once, from one shared request", async () => {
    emulator.addFaults([{ path: KEY_PATH, method: "GET", steps: [{ status: 503, body: "busy" }, { passthrough: true }] }]);
    const lines: [string[], string[]] = [[], []];
    const settings = { apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} };
    await Promise.all(lines.map((own) => getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { ...settings, logger: (l) => own.push(l) })));
    for (const own of lines)
      expect(own).toEqual([expect.stringMatching(/^retrying GET \/client\/v4\/accounts\/\w+\/calls\/turn_keys\/\w+ in \d+ ms \(attempt 2 of 4\): HTTP 503$/)]);
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
  });
});

describe("a lookup batched into a list keeps its total deadline", () => {
  it("six keys, a list that keeps failing, timeoutMs 1500: every lookup settles within its deadline", async () => {
    const cached = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {}, cache: true });
    emulator.addFaults([
      { path: LIST_PATH, method: "GET", steps: [{ status: 503, body: "busy", delayMs: 200 }], repeat: true },
      { path: "*", method: "GET", steps: [{ status: 503, body: "busy", delayMs: 200 }], repeat: true },
    ]);
    const started = Date.now();
    const outcomes = await Promise.all(SIX_KEYS.map((keyId) => settle(cached.getTurnKey({ accountId: ACCOUNT_ID, keyId }, { timeoutMs: 1_500 }), started)));
    await cached.close();
    for (const o of outcomes) {
      // The deadline, or the last 503 when no further wait fits in it: either way the server's failure is named.
      expect(o.error).toBeInstanceOf(CloudflareApiError);
      expect(o.error!.message).toMatch(/HTTP 503/);
      expect(o.ms).toBeLessThan(1_500 + 250);
    }
    // The list went first, for all six.
    expect(emulator.requests[0]!.path).toBe(`/client/v4${LIST_PATH}`);
  });

  it("a failed list is followed by a GET of each key within the same deadline, which then succeeds", async () => {
    const cached = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {}, cache: true });
    emulator.addFaults([{ path: LIST_PATH, method: "GET", steps: [{ status: 400, body: "bad" }] }]);
    const keys = await Promise.all(SIX_KEYS.map((keyId) => cached.getTurnKey({ accountId: ACCOUNT_ID, keyId })));
    await cached.close();
    expect(keys.map((k) => k.name)).toEqual(SIX_KEYS.map((uid) => `key-${uid}`));
    expect(emulator.requests.map((r) => r.status)).toEqual([400, 200, 200, 200, 200, 200, 200]);
  });

  it("a refused credential fails every batched key from the one list request, not a GET each", async () => {
    const refused = createTurnKeyClient({ apiToken: "a-wrong-token", baseUrl: emulator.url, env: {}, cache: true });
    const outcomes = await Promise.all(SIX_KEYS.map((keyId) => settle(refused.getTurnKey({ accountId: ACCOUNT_ID, keyId }), Date.now())));
    expect(outcomes.every((o) => o.error?.name === "CloudflareAuthError")).toBe(true);
    // And again in the same run: kept, not sent again.
    await expect(refused.listTurnKeys({ accountId: ACCOUNT_ID })).rejects.toThrow("Cloudflare refused the credential");
    await refused.close();
    expect(emulator.requests.map((r) => r.status)).toEqual([401]);
  });

  it("a credential the list request saw refused fails a later lookup of the account by id or by name, without a request", async () => {
    const refused = createTurnKeyClient({ apiToken: "a-wrong-token", baseUrl: emulator.url, env: {}, cache: true });
    const listError = await refused.listTurnKeys({ accountId: ACCOUNT_ID }).catch((e: unknown) => e);
    const byId = await refused.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e);
    const byName = await refused.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "shared-key" }).catch((e: unknown) => e);
    await refused.close();
    expect(CloudflareAuthError.isInstance(listError)).toBe(true);
    // The one failure, read once and not asked again; each lookup's message names what it looked up.
    expect(byId).toBeInstanceOf(CloudflareAuthError);
    expect(byId).toMatchObject({ keyId: KEY_ID, status: 401, rayId: (listError as CloudflareAuthError).rayId });
    expect((byId as Error).message).toContain(`Cloudflare refused the credential for the TURN key lookup (account ${ACCOUNT_ID}, key ${KEY_ID})`);
    expect((byName as Error).message).toBe((listError as Error).message);
    expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /client/v4${LIST_PATH} 401`]);
  });

  it("an account the list request found missing fails a later lookup of it by id, without a request; a key's own 404 does not", async () => {
    const cached = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {}, cache: true });
    const missing = "f".repeat(32);
    const notFound = { success: false, errors: [{ code: 10006, message: "account not found" }], messages: [], result: null };
    emulator.addFaults([{ path: `/accounts/${missing}/calls/turn_keys`, method: "GET", steps: [{ status: 404, body: notFound }] }]);
    const listError = await cached.listTurnKeys({ accountId: missing }).catch((e: unknown) => e);
    expect(TurnKeyNotFoundError.isInstance(listError)).toBe(true);
    const byId = (await cached.getTurnKey({ accountId: missing, keyId: KEY_ID }).catch((e: unknown) => e)) as TurnKeyNotFoundError;
    expect(byId).toBeInstanceOf(TurnKeyNotFoundError);
    expect(byId.message).toMatch(new RegExp(`^Account not found \\(account ${missing}, key ${KEY_ID}\\)\\. HTTP 404; Cloudflare error 10006`));
    // A key's 404 is not kept: the run may create the key before a later lookup.
    const absent = "e".repeat(32);
    await expect(cached.getTurnKey({ accountId: ACCOUNT_ID, keyId: absent })).rejects.toBeInstanceOf(TurnKeyNotFoundError);
    await expect(cached.getTurnKey({ accountId: ACCOUNT_ID, keyId: absent })).rejects.toBeInstanceOf(TurnKeyNotFoundError);
    await cached.close();
    expect(emulator.requests.map((r) => r.status)).toEqual([404, 404, 404]);
  });
});

describe("the default client of scripts", () => {
  it("closeDefaultTurnKeyClient closes its connections; a later call starts a new client", async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((k) => k === "TCPSocketWrap").length;
    // Earlier tests of this file used the default client too, and closed their own: start from no socket at all.
    await closeDefaultTurnKeyClient();
    await until(() => sockets() === 0, "earlier tests' sockets are closed");
    const before = sockets();
    const settings = { apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} };
    await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, settings);
    expect(sockets()).toBeGreaterThan(before);
    await closeDefaultTurnKeyClient();
    // The client's own socket is gone once the close has run its course (the emulator's side closes after it).
    await until(() => sockets() <= before, "the default client's sockets are closed");
    expect(sockets()).toBe(before);
    await expect(getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, settings)).resolves.toMatchObject({ name: "shared-key" });
    await closeDefaultTurnKeyClient();
  });
});
