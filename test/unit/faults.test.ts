// The fault matrix: every transient, permanent and hostile server behaviour,
// driven through real sockets against the emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FaultStep, type RunningEmulator, startEmulator } from "../../emulator";
import { createTurnKeyClient } from "../../provider/client/client";
import {
  CloudflareApiError,
  CloudflareAuthError,
  CloudflareConnectionError,
  CloudflareRateLimitError,
  CloudflareResponseError,
  CloudflareTimeoutError,
  type GetTurnKeyOptions,
  TurnKeyNotFoundError,
  getTurnKey,
} from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";

const RESULT = { uid: KEY_ID, name: "faulty", created: "2024-01-01T00:00:00Z", modified: "2024-01-02T00:00:00Z" };
const RAY = "8f2c1a7b9d3e4f10-SJC";
const OK_BODY = { success: true, errors: [], messages: [], result: RESULT };
const KEY_PATH = `/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`;
const LIST_PATH = `/accounts/${ACCOUNT_ID}/calls/turn_keys`;
const LIST_BODY = { success: true, errors: [], messages: [], result: [RESULT] };

type Expected = "success" | (abstract new (...args: never[]) => Error);

interface Row {
  fault: string;
  steps: FaultStep[];
  repeat?: boolean;
  options?: GetTurnKeyOptions;
  expected: Expected;
  /** Exactly this class, not a subclass. */
  exact?: boolean;
  requests: number;
  maxMs: number;
  minMs?: number;
  /** Text the error's message holds, each piece. */
  message?: string | string[];
  /** What else the error carries. */
  fields?: Record<string, unknown>;
}

const ok: FaultStep = { passthrough: true };
const fast = { "retry-after-ms": "10" };

const rows: Row[] = [
  { fault: "503 then success", steps: [{ status: 503, body: "busy", headers: fast }, ok], expected: "success", requests: 2, maxMs: 3_000 },
  { fault: "408 then success", steps: [{ status: 408, body: "", headers: fast }, ok], expected: "success", requests: 2, maxMs: 3_000 },
  {
    fault: "502 HTML page then success, backoff without Retry-After",
    steps: [{ status: 502, body: "<html>bad gateway</html>", headers: { "content-type": "text/html" } }, ok],
    expected: "success",
    requests: 2,
    minMs: 300,
    maxMs: 3_000,
  },
  {
    fault: "429 with Retry-After: 1 then success",
    steps: [{ status: 429, body: { success: false, errors: [{ code: 971, message: "slow down" }] }, headers: { "retry-after": "1" } }, ok],
    expected: "success",
    requests: 2,
    minMs: 900,
    maxMs: 4_000,
  },
  {
    fault: "429 with an HTTP-date Retry-After then success",
    steps: [{ status: 429, body: "", headers: { "retry-after": "DATE+1" } }, ok],
    expected: "success",
    requests: 2,
    maxMs: 4_000,
  },
  { fault: "connection reset then success", steps: [{ reset: true }, ok], expected: "success", requests: 2, maxMs: 3_000 },
  {
    fault: "connection reset every time",
    steps: [{ reset: true }],
    repeat: true,
    options: { maxRetries: 2 },
    expected: CloudflareConnectionError,
    requests: 3,
    maxMs: 5_000,
    message: "Could not reach the Cloudflare API",
  },
  {
    fault: "500 every time",
    steps: [{ status: 500, body: { success: false, errors: [{ code: 10001, message: "internal" }] }, headers: fast }],
    repeat: true,
    options: { maxRetries: 2 },
    expected: CloudflareApiError,
    exact: true,
    requests: 3,
    maxMs: 3_000,
    message: "HTTP 500",
  },
  {
    fault: "429 every time",
    steps: [{ status: 429, body: "", headers: fast }],
    repeat: true,
    options: { maxRetries: 3 },
    expected: CloudflareRateLimitError,
    requests: 4,
    maxMs: 3_000,
    message: "after 4 attempts",
    fields: { attempts: 4 },
  },
  {
    fault: "429 asking for an hour, within a 2 s deadline",
    steps: [{ status: 429, body: "", headers: { "retry-after": "3600" } }],
    repeat: true,
    options: { timeoutMs: 2_000 },
    expected: CloudflareRateLimitError,
    requests: 1,
    maxMs: 1_500,
  },
  {
    fault: "404",
    steps: [{ status: 404, body: { success: false, errors: [{ code: 10404, message: "not found" }] }, headers: { "cf-ray": RAY } }],
    expected: TurnKeyNotFoundError,
    requests: 1,
    maxMs: 1_000,
    message: [ACCOUNT_ID, "HTTP 404", "Cloudflare error 10404: not found", RAY],
    fields: { name: "TurnKeyNotFoundError", status: 404, rayId: RAY, errors: [{ code: 10404, message: "not found" }] },
  },
  {
    fault: "401",
    steps: [{ status: 401, body: { success: false, errors: [{ code: 10000, message: "Authentication error" }] } }],
    expected: CloudflareAuthError,
    requests: 1,
    maxMs: 1_000,
    message: ["HTTP 401", "Cloudflare error 10000: Authentication error", "Calls Read"],
    fields: { name: "CloudflareAuthError" },
  },
  {
    fault: "403",
    steps: [{ status: 403, body: { success: false, errors: [{ code: 9109, message: "Unauthorized" }] } }],
    expected: CloudflareAuthError,
    requests: 1,
    maxMs: 1_000,
    message: ["HTTP 403", "Calls Read"],
  },
  {
    fault: "403 from a server echoing the credential, in its message and a header",
    steps: [{ status: 403, body: { success: false, errors: [{ code: 10000, message: `bad token ${CANARY_TOKEN}` }] }, headers: { "cf-ray": CANARY_TOKEN } }],
    expected: CloudflareAuthError,
    requests: 1,
    maxMs: 1_000,
    message: "bad token [redacted]",
  },
  {
    fault: "400",
    steps: [{ status: 400, body: { success: false, errors: [{ code: 7003, message: "Could not route" }] } }],
    expected: CloudflareApiError,
    exact: true,
    requests: 1,
    maxMs: 1_000,
    message: ["7003", "check that accountId"],
  },
  {
    fault: "502 with maxRetries: 0",
    steps: [{ status: 502, body: "bad gateway", headers: fast }],
    repeat: true,
    options: { maxRetries: 0 },
    expected: CloudflareApiError,
    exact: true,
    requests: 1,
    maxMs: 1_000,
    fields: { status: 502 },
  },
  {
    fault: "success without a result",
    steps: [{ status: 200, body: { success: true, errors: [], messages: [] } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "result is missing",
    fields: { name: "CloudflareResponseError" },
  },
  {
    fault: "a malformed date",
    steps: [{ status: 200, body: { ...OK_BODY, result: { ...RESULT, created: "yesterday" } } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "created",
  },
  {
    fault: "another key's result",
    steps: [{ status: 200, body: { ...OK_BODY, result: { ...RESULT, uid: OTHER_KEY_ID } } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: `describes key ${OTHER_KEY_ID}`,
  },
  {
    fault: "an envelope without success",
    steps: [{ status: 200, body: { result: RESULT } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "the envelope success is missing",
  },
  {
    fault: "non-JSON body",
    steps: [{ status: 200, body: "hello", headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "not valid JSON",
  },
  {
    fault: "truncated JSON body",
    steps: [{ status: 200, body: JSON.stringify(OK_BODY).slice(0, 40), headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "not valid JSON",
  },
  {
    fault: "empty body",
    steps: [{ status: 200, body: "", headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "empty body",
  },
  {
    fault: "body over 1 MiB",
    steps: [{ status: 200, bodyBytes: 2 * 1024 * 1024, headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 2_000,
    message: "larger than",
  },
  {
    fault: "missing content type",
    steps: [{ status: 200, body: JSON.stringify(OK_BODY) }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "content type missing",
  },
  {
    fault: "wrong content type",
    steps: [{ status: 200, body: JSON.stringify(OK_BODY), headers: { "content-type": "text/plain" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "text/plain",
  },
  // Cloudflare's schema makes every result field optional (name defaults to ""), so a
  // missing field is read, not refused; a field of the wrong type is refused.
  {
    fault: "success: true with a field of the wrong type",
    steps: [{ status: 200, body: { success: true, errors: [], messages: [], result: { uid: KEY_ID, name: 42 } } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "name:",
  },
  {
    fault: "success: false on HTTP 200",
    steps: [{ status: 200, body: { success: false, errors: [{ code: 1000, message: "nope" }], result: RESULT } }],
    expected: CloudflareApiError,
    exact: true,
    requests: 1,
    maxMs: 1_000,
    message: ["success: false", "Cloudflare error 1000: nope"],
  },
  {
    fault: "headers that never come, within a 1 s deadline",
    steps: [{ delayMs: 10_000, status: 200, body: OK_BODY }],
    options: { timeoutMs: 1_000 },
    expected: CloudflareTimeoutError,
    requests: 1,
    maxMs: 2_500,
    message: "1000 ms deadline",
  },
  {
    fault: "a body dripped forever, within a 1.5 s deadline",
    steps: [{ drip: { intervalMs: 50 } }],
    options: { timeoutMs: 1_500 },
    expected: CloudflareTimeoutError,
    requests: 1,
    maxMs: 3_000,
  },
];

let emulator: RunningEmulator;
let other: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, ...RESULT }] } });
  other = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
  await other.close();
});
beforeEach(() => {
  emulator.reset();
  other.reset();
});

async function timedLookup(options: GetTurnKeyOptions = {}, baseUrl = emulator.url) {
  const started = Date.now();
  const outcome = await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { apiToken: CANARY_TOKEN, baseUrl, env: {}, ...options }).then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, elapsed: Date.now() - started };
}

describe("fault matrix over real sockets", () => {
  it.each(rows)("$fault", async (row) => {
    const steps = row.steps.map((s) =>
      s.headers?.["retry-after"] === "DATE+1" ? { ...s, headers: { "retry-after": new Date(Date.now() + 1_500).toUTCString() } } : s,
    );
    emulator.addFaults([{ path: KEY_PATH, steps, repeat: row.repeat }]);
    const { value, error, elapsed } = await timedLookup(row.options);
    if (row.expected === "success") {
      expect(error).toBeUndefined();
      expect(value).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID, ...RESULT });
    } else {
      expect(error).toBeInstanceOf(row.expected);
      if (row.exact) expect((error as Error).constructor).toBe(row.expected);
      for (const text of [row.message ?? []].flat()) expect((error as Error).message).toContain(text);
      if (row.fields) expect(error).toMatchObject(row.fields);
      expect((error as Error).message).toContain(KEY_ID);
      expect((error as Error).message).not.toContain(CANARY_TOKEN);
    }
    expect(emulator.requests.filter((r) => r.path.endsWith(KEY_PATH))).toHaveLength(row.requests);
    expect(emulator.requests.every((r) => r.method === "GET")).toBe(true);
    expect(elapsed).toBeLessThan(row.maxMs);
    if (row.minMs !== undefined) expect(elapsed).toBeGreaterThanOrEqual(row.minMs);
  });

  it("a redirect to another origin is not followed, and the credential never reaches it", async () => {
    emulator.addFaults([{ path: KEY_PATH, steps: [{ status: 302, headers: { location: `${other.url}${KEY_PATH}` } }] }]);
    const { error } = await timedLookup();
    expect(error).toBeInstanceOf(CloudflareResponseError);
    expect((error as Error).message).toContain("redirect");
    expect(emulator.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it("a TLS failure is a CloudflareConnectionError naming TLS, not retried", async () => {
    // The emulator speaks plain HTTP: an https:// client fails its handshake.
    const { error, elapsed } = await timedLookup({}, emulator.url.replace("http://", "https://"));
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect((error as Error).message).toMatch(/TLS|SSL/);
    expect((error as CloudflareConnectionError).attempts).toBe(1);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a server that is down is a CloudflareConnectionError after the retries", async () => {
    const down = await startEmulator();
    const url = down.url;
    await down.close();
    const { error } = await timedLookup({ maxRetries: 1 }, url);
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect((error as CloudflareConnectionError).attempts).toBe(2);
  });
});

interface ListRow {
  fault: string;
  steps: FaultStep[];
  expected: Expected;
  requests: number;
  maxMs: number;
  minMs?: number;
  /** Text the error's message holds, each piece. */
  message?: string | string[];
  /** What else the error carries. */
  fields?: Record<string, unknown>;
}

const listRows: ListRow[] = [
  { fault: "503 then success", steps: [{ status: 503, body: "busy", headers: fast }, ok], expected: "success", requests: 2, maxMs: 3_000 },
  {
    fault: "429 with Retry-After: 1 then success",
    steps: [{ status: 429, body: "", headers: { "retry-after": "1" } }, ok],
    expected: "success",
    requests: 2,
    minMs: 900,
    maxMs: 4_000,
  },
  {
    fault: "a truncated body",
    steps: [{ status: 200, body: JSON.stringify(LIST_BODY).slice(0, 50), headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "not valid JSON",
  },
  {
    fault: "one malformed item",
    steps: [{ status: 200, body: { ...LIST_BODY, result: [RESULT, { ...RESULT, uid: "not-an-id" }] } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "item 1 of the list: uid",
  },
  {
    fault: "an item without uid",
    steps: [{ status: 200, body: { ...LIST_BODY, result: [{ name: "anonymous" }] } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 1_000,
    message: "item 0 of the list: uid is missing",
  },
  {
    fault: "a body over the 8 MiB list cap",
    steps: [{ status: 200, bodyBytes: 9 * 1024 * 1024, headers: { "content-type": "application/json" } }],
    expected: CloudflareResponseError,
    requests: 1,
    maxMs: 3_000,
    message: "larger than 8388608 bytes",
  },
  {
    fault: "404 for the account",
    steps: [{ status: 404, body: { success: false, errors: [{ code: 10404, message: "not found" }] } }],
    expected: TurnKeyNotFoundError,
    requests: 1,
    maxMs: 1_000,
    message: "Account not found",
  },
];

describe("fault matrix of the list, over real sockets", () => {
  it.each(listRows)("$fault", async (row) => {
    emulator.addFaults([{ path: LIST_PATH, method: "GET", steps: row.steps }]);
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} });
    const started = Date.now();
    const outcome = await client.listTurnKeys({ accountId: ACCOUNT_ID }).then(
      (value) => ({ value, error: undefined as unknown }),
      (error: unknown) => ({ value: undefined, error }),
    );
    const elapsed = Date.now() - started;
    await client.close();
    if (row.expected === "success") {
      expect(outcome.error).toBeUndefined();
      expect(outcome.value).toEqual([{ accountId: ACCOUNT_ID, keyId: KEY_ID, ...RESULT }]);
    } else {
      expect(outcome.error).toBeInstanceOf(row.expected);
      expect((outcome.error as Error).message).toContain(row.message);
      expect((outcome.error as Error).message).toContain(ACCOUNT_ID);
      expect((outcome.error as Error).message).not.toContain(CANARY_TOKEN);
    }
    expect(emulator.requests.filter((r) => r.path.endsWith(LIST_PATH))).toHaveLength(row.requests);
    expect(emulator.requests.every((r) => r.method === "GET")).toBe(true);
    expect(elapsed).toBeLessThan(row.maxMs);
    if (row.minMs !== undefined) expect(elapsed).toBeGreaterThanOrEqual(row.minMs);
  });

  it("follows result_info pages, and stops at the page bound with a clear error", async () => {
    const page = (n: number, total: number, uid: string) => ({
      status: 200,
      body: { ...LIST_BODY, result: [{ ...RESULT, uid }], result_info: { page: n, total_pages: total } },
    });
    emulator.addFaults([{ path: LIST_PATH, steps: [page(1, 2, KEY_ID), page(2, 2, "0".repeat(32))] }]);
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} });
    const keys = await client.listTurnKeys({ accountId: ACCOUNT_ID });
    expect(keys.map((k) => k.uid)).toEqual([KEY_ID, "0".repeat(32)]);
    expect(emulator.requests.map((r) => r.path)).toEqual([`/client/v4${LIST_PATH}`, `/client/v4${LIST_PATH}?page=2`]);

    emulator.reset();
    emulator.addFaults([{ path: LIST_PATH, steps: [page(1, 1_000, KEY_ID)], repeat: true }]);
    const error = await client.listTurnKeys({ accountId: ACCOUNT_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareResponseError);
    expect((error as Error).message).toContain("has 1000 pages; at most 50 are read");
    expect(emulator.requests).toHaveLength(50);
    await client.close();
  });
});
