import { describe, expect, it } from "vitest";
import {
  CloudflareApiError,
  CloudflareAuthError,
  CloudflareConnectionError,
  CloudflareRateLimitError,
  CloudflareResponseError,
  CloudflareTimeoutError,
  type GetTurnKeyOptions,
  TurnKeyInputError,
  TurnKeyLookupAbortedError,
  TurnKeyNotFoundError,
  getTurnKey,
} from "../../provider/lookupClient";
import { parseBaseUrl } from "../../provider/client/connection";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { KEY_PATH, RESULT, type Reply, envelope, failure, mockApi } from "../support/mockApi";

/** Runs one lookup against scripted replies; options default to the canary token and no environment. */
async function lookup(replies: Reply[], options: GetTurnKeyOptions = {}, keyId = KEY_ID) {
  const { agent, seen } = mockApi(replies);
  const run = getTurnKey({ accountId: ACCOUNT_ID, keyId }, { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, ...options });
  const outcome = await run.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as Error }),
  );
  await agent.close();
  if (outcome.error) {
    expect(outcome.error.message).not.toContain(CANARY_TOKEN);
    expect(String(outcome.error.stack)).not.toContain(CANARY_TOKEN);
  }
  return { ...outcome, seen };
}

const RAY = "8f2c1a7b9d3e4f10-SJC";

describe("getTurnKey: success", () => {
  it("returns the key and sends one GET with the bearer token, JSON accept and our User-Agent", async () => {
    const { value, seen } = await lookup([{ status: 200, body: envelope(RESULT) }]);
    expect(value).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID, ...RESULT });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.path).toBe(KEY_PATH);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`);
    expect(seen[0]!.headers.accept).toBe("application/json");
    expect(seen[0]!.headers["user-agent"]).toMatch(/^pulumi-cloudflare-turn-lookup\/\d+\.\d+\.\d+ node\/\d+/);
    expect(seen[0]!.headers).not.toHaveProperty("x-auth-key");
  });

  it("reads a result as tolerantly as Cloudflare's schema: a missing uid is the key asked for, a missing name or date is empty", async () => {
    const { value } = await lookup([{ status: 200, body: envelope({ created: RESULT.created }) }]);
    expect(value).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID, uid: KEY_ID, name: "", created: RESULT.created, modified: "" });
  });

  it("tolerates unknown extra fields in the envelope and the result", async () => {
    const { value } = await lookup([{ status: 200, body: envelope({ ...RESULT, extra: 1 }, { result_info: {} }) }]);
    expect(value).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID, ...RESULT });
  });

  it("sends the legacy global key as X-Auth-Key and X-Auth-Email", async () => {
    const { seen } = await lookup([{ status: 200, body: envelope(RESULT) }], { apiToken: undefined, apiKey: "legacy-key-123", email: "ops@example.com" });
    expect(seen[0]!.headers["x-auth-key"]).toBe("legacy-key-123");
    expect(seen[0]!.headers["x-auth-email"]).toBe("ops@example.com");
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });

  it("falls back to the environment for the token, account id, base URL and User-Agent suffix", async () => {
    const { agent, seen } = mockApi([{ status: 200, body: envelope(RESULT) }], "https://cf.example.test");
    const key = await getTurnKey(
      { keyId: KEY_ID },
      {
        dispatcher: agent,
        env: {
          CLOUDFLARE_API_TOKEN: CANARY_TOKEN,
          CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
          CLOUDFLARE_BASE_URL: "https://cf.example.test/api/v4/",
          CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX: "ops-team/2",
        },
      },
    );
    expect(key.accountId).toBe(ACCOUNT_ID);
    expect(seen[0]!.path).toBe(`/api/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`);
    expect(seen[0]!.headers["user-agent"]).toMatch(/ ops-team\/2$/);
  });

  it("prefers explicit options over the environment, and never mixes a token with an environment key", async () => {
    const { seen } = await lookup([{ status: 200, body: envelope(RESULT) }], {
      env: { CLOUDFLARE_API_KEY: "env-key", CLOUDFLARE_EMAIL: "e@example.com", CLOUDFLARE_API_TOKEN: "env-token" },
    });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`);
    expect(seen[0]!.headers).not.toHaveProperty("x-auth-key");
  });
});

describe("getTurnKey: API errors", () => {
  it("404 is TurnKeyNotFoundError naming ids, status, Cloudflare's code and message, and the ray id; not retried", async () => {
    const { error, seen } = await lookup([{ status: 404, body: failure(10404, "TURN key not found") }]);
    expect(error).toBeInstanceOf(TurnKeyNotFoundError);
    expect(error).toBeInstanceOf(CloudflareApiError);
    const e = error as TurnKeyNotFoundError;
    expect(e.name).toBe("TurnKeyNotFoundError");
    expect(e.status).toBe(404);
    expect(e.rayId).toBe(RAY);
    expect(e.errors).toEqual([{ code: 10404, message: "TURN key not found" }]);
    for (const part of [ACCOUNT_ID, KEY_ID, "HTTP 404", "10404", "TURN key not found", RAY]) expect(e.message).toContain(part);
    expect(seen).toHaveLength(1);
  });

  it.each([401, 403])("%i is CloudflareAuthError with a permission hint; not retried", async (status) => {
    const { error, seen } = await lookup([{ status, body: failure(10000, "Authentication error") }]);
    expect(error).toBeInstanceOf(CloudflareAuthError);
    expect(error!.name).toBe("CloudflareAuthError");
    expect(error!.message).toContain(`HTTP ${status}`);
    expect(error!.message).toContain("Cloudflare error 10000: Authentication error");
    expect(error!.message).toContain("Calls Read");
    expect(seen).toHaveLength(1);
  });

  it("400 with 7003 is a plain CloudflareApiError with a routing hint; not retried", async () => {
    const { error, seen } = await lookup([{ status: 400, body: failure(7003, "Could not route to /accounts/x, perhaps your object identifier is invalid?") }]);
    expect(error!.constructor).toBe(CloudflareApiError);
    expect(error!.message).toContain("7003");
    expect(error!.message).toContain("check that accountId");
    expect(seen).toHaveLength(1);
  });

  it("429 on every attempt is CloudflareRateLimitError after maxRetries + 1 requests", async () => {
    const { error, seen } = await lookup([{ status: 429, body: failure(971, "Please wait"), headers: { "retry-after": "0" } }], { maxRetries: 2 });
    expect(error).toBeInstanceOf(CloudflareRateLimitError);
    expect((error as CloudflareRateLimitError).attempts).toBe(3);
    expect(error!.message).toContain("after 3 attempts");
    expect(seen).toHaveLength(3);
  });

  it("a 503 then a 200 succeeds on the second request", async () => {
    const { value, seen } = await lookup([
      { status: 503, body: "<html>busy</html>", headers: { "content-type": "text/html", "retry-after-ms": "5" } },
      { status: 200, body: envelope(RESULT) },
    ]);
    expect(value?.uid).toBe(KEY_ID);
    expect(seen).toHaveLength(2);
  });

  it("a persistent 500 fails as CloudflareApiError with the status after every retry", async () => {
    const { error, seen } = await lookup([{ status: 500, body: failure(10001, "internal"), headers: { "retry-after": "0" } }], { maxRetries: 1 });
    expect(error!.constructor).toBe(CloudflareApiError);
    expect((error as CloudflareApiError).status).toBe(500);
    expect(seen).toHaveLength(2);
  });

  it("maxRetries: 0 sends exactly one request", async () => {
    const { error, seen } = await lookup([{ status: 502, body: "bad gateway", headers: { "retry-after": "0" } }], { maxRetries: 0 });
    expect((error as CloudflareApiError).status).toBe(502);
    expect(seen).toHaveLength(1);
  });

  it("success: false on HTTP 200 is a failure", async () => {
    const { error, seen } = await lookup([{ status: 200, body: { ...failure(1000, "something broke"), result: RESULT } }]);
    expect(error!.constructor).toBe(CloudflareApiError);
    expect(error!.message).toContain("success: false");
    expect(error!.message).toContain("Cloudflare error 1000: something broke");
    expect(seen).toHaveLength(1);
  });
});

describe("getTurnKey: responses of the wrong shape are CloudflareResponseError, not retried", () => {
  const cases: [string, Reply, string][] = [
    ["a non-JSON body", { status: 200, body: "not json", headers: { "content-type": "application/json" } }, "not valid JSON"],
    ["an empty body", { status: 200, body: "", headers: { "content-type": "application/json" } }, "empty body"],
    ["a wrong content type", { status: 200, body: JSON.stringify(envelope(RESULT)), headers: { "content-type": "text/html" } }, 'content type "text/html"'],
    ["a missing content type", { status: 200, body: JSON.stringify(envelope(RESULT)) }, "content type missing"],
    ["success without a result", { status: 200, body: envelope(undefined) }, "result is missing"],
    ["a result whose name is not a string", { status: 200, body: envelope({ ...RESULT, name: 7 }) }, "name:"],
    ["a malformed date", { status: 200, body: envelope({ ...RESULT, created: "yesterday" }) }, "created"],
    ["another key's result", { status: 200, body: envelope({ ...RESULT, uid: OTHER_KEY_ID }) }, `describes key ${OTHER_KEY_ID}`],
    ["an envelope without success", { status: 200, body: { result: RESULT } }, "the envelope success is missing"],
    ["a redirect", { status: 302, body: "", headers: { location: "https://evil.example/steal" } }, "redirect to https://evil.example/steal"],
  ];
  it.each(cases)("%s", async (_label, reply, text) => {
    const { error, seen } = await lookup([reply]);
    expect(error).toBeInstanceOf(CloudflareResponseError);
    expect(error!.name).toBe("CloudflareResponseError");
    expect(error!.message).toContain(text);
    expect(error!.message).toContain(KEY_ID);
    expect(seen).toHaveLength(1);
  });

  it("a body over 1 MiB is refused", async () => {
    const { error } = await lookup([{ status: 200, body: "x".repeat(1024 * 1024 + 10), headers: { "content-type": "application/json" } }]);
    expect(error).toBeInstanceOf(CloudflareResponseError);
    expect(error!.message).toContain("larger than 1048576 bytes");
  });

  it("a server echoing the credential never gets it into the message", async () => {
    const { error } = await lookup([{ status: 403, body: failure(10000, `bad token ${CANARY_TOKEN}`), headers: { "cf-ray": `${CANARY_TOKEN}` } }]);
    expect(error).toBeInstanceOf(CloudflareAuthError);
    expect(error!.message).toContain("bad token [redacted]");
  });
});

describe("getTurnKey: input is checked before any request", () => {
  const bad: [string, Partial<{ accountId: string; keyId: string }>, string, string][] = [
    ["a short key id", { keyId: "abc" }, "keyId", 'but "abc" has 3 characters'],
    ["a path traversal", { keyId: "../../user/tokens/aaaaaaaaaaaaaaaa" }, "keyId", 'the character "." (it could change the request URL) at position 1'],
    ["a query", { keyId: `${KEY_ID.slice(0, 31)}?` }, "keyId", "it could change the request URL"],
    ["an uppercase id", { keyId: KEY_ID.toUpperCase() }, "keyId", "uppercase letter"],
    ["a unicode look-alike", { keyId: `${KEY_ID.slice(0, 31)}\u0430` }, "keyId", "U+0430, not ASCII"],
    ["white space", { keyId: ` ${KEY_ID.slice(1)}` }, "keyId", "white space"],
    ["a missing account id", { accountId: "" }, "accountId", "accountId is missing"],
    ["a percent-encoded slash", { accountId: `${ACCOUNT_ID.slice(0, 29)}%2f` }, "accountId", '"%"'],
  ];
  it.each(bad)("%s", async (_label, ids, field, text) => {
    const { agent, seen } = mockApi([{ status: 200, body: envelope(RESULT) }]);
    const err = await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID, ...ids }, { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TurnKeyInputError);
    expect((err as TurnKeyInputError).name).toBe("TurnKeyInputError");
    expect((err as TurnKeyInputError).field).toBe(field);
    expect((err as Error).message).toContain(field);
    expect((err as Error).message).toContain(text);
    expect(seen).toHaveLength(0);
  });

  const badOptions: [string, GetTurnKeyOptions, string, string][] = [
    ["no credential", { apiToken: undefined }, "apiToken", "CLOUDFLARE_API_TOKEN"],
    ["a token and a key", { apiKey: "some-key-1", email: "a@b.c" }, "apiToken", "set only one"],
    ["a key without email", { apiToken: undefined, apiKey: "some-key-1" }, "email", "needs the account email"],
    ["a plain-http remote base URL", { baseUrl: "http://api.example.com/client/v4" }, "baseUrl", "must use https://"],
    ["a base URL with a query", { baseUrl: "https://api.example.com/client/v4?x=1" }, "baseUrl", "query"],
    ["a relative base URL", { baseUrl: "/client/v4" }, "baseUrl", "not an absolute URL"],
    ["a negative timeout", { timeoutMs: -1 }, "timeoutMs", "whole number"],
    ["a fractional retry count", { maxRetries: 1.5 }, "maxRetries", "whole number"],
    ["a token with a newline", { apiToken: "abc\ndef" }, "apiToken", "control"],
  ];
  it.each(badOptions)("%s", async (_label, options, field, text) => {
    const { error, seen } = await lookup([{ status: 200, body: envelope(RESULT) }], options);
    expect(error).toBeInstanceOf(TurnKeyInputError);
    expect((error as TurnKeyInputError).field).toBe(field);
    expect(error!.message).toContain(text);
    expect(seen).toHaveLength(0);
  });

  it("a credential pasted as the key id is not echoed", async () => {
    const err = await getTurnKey({ accountId: ACCOUNT_ID, keyId: CANARY_TOKEN }, { apiToken: CANARY_TOKEN, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TurnKeyInputError);
    expect((err as Error).message).not.toContain(CANARY_TOKEN);
    expect((err as Error).message).toContain("[redacted]");
  });

  it("plain http is allowed for loopback hosts only", async () => {
    for (const host of ["127.0.0.1:8787", "localhost:8787", "[::1]:8787", "127.4.5.6"]) {
      expect(parseBaseUrl(`http://${host}/client/v4/`).href).toBe(`http://${host}/client/v4`);
    }
    for (const host of ["10.0.0.1", "example.com", "127.0.0.1.example.com", "localhost.example.com"]) {
      expect(() => parseBaseUrl(`http://${host}/client/v4`)).toThrow(TurnKeyInputError);
    }
    const { agent } = mockApi([{ status: 200, body: envelope(RESULT) }], "http://127.0.0.1:8787");
    const key = await getTurnKey(
      { accountId: ACCOUNT_ID, keyId: KEY_ID },
      { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, baseUrl: "http://127.0.0.1:8787/client/v4" },
    );
    expect(key.uid).toBe(KEY_ID);
  });
});

describe("getTurnKey: sharing, cache, deadline and abort", () => {
  it("identical lookups in flight share one request", async () => {
    const { agent, seen } = mockApi([{ status: 200, body: envelope(RESULT) }]);
    const opts = { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent };
    const keys = await Promise.all(Array.from({ length: 50 }, () => getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts)));
    expect(new Set(keys).size).toBe(1);
    expect(seen).toHaveLength(1);
    await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts);
    expect(seen).toHaveLength(2);
  });

  it("cache: true keeps the result for later lookups; a different credential does not share it", async () => {
    const { agent, seen } = mockApi([{ status: 200, body: envelope(RESULT) }]);
    const opts = { apiToken: `${CANARY_TOKEN}-cache`, env: {}, dispatcher: agent, cache: true };
    await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts);
    await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts);
    expect(seen).toHaveLength(1);
    await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { ...opts, apiToken: "another-token" });
    expect(seen).toHaveLength(2);
  });

  it("failures are not cached", async () => {
    const { agent, seen } = mockApi([
      { status: 404, body: failure(10404, "nope") },
      { status: 200, body: envelope(RESULT) },
    ]);
    const opts = { apiToken: `${CANARY_TOKEN}-nocache`, env: {}, dispatcher: agent, cache: true };
    await expect(getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts)).rejects.toBeInstanceOf(TurnKeyNotFoundError);
    await expect(getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, opts)).resolves.toMatchObject({ uid: KEY_ID });
    expect(seen).toHaveLength(2);
  });

  it("timeoutMs bounds the whole lookup, even against a long Retry-After", async () => {
    const started = Date.now();
    const { error, seen } = await lookup([{ status: 503, body: "", headers: { "retry-after": "3600" } }], { timeoutMs: 300 });
    // The advised wait (capped at 30 s) cannot fit in the deadline, so it fails at once with the real cause.
    expect(error!.constructor).toBe(CloudflareApiError);
    expect((error as CloudflareApiError).status).toBe(503);
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("retries log their reason through the logger, without the credential", async () => {
    const lines: string[] = [];
    await lookup(
      [
        { status: 429, body: failure(971, "slow down"), headers: { "retry-after-ms": "1" } },
        { status: 200, body: envelope(RESULT) },
      ],
      { logger: (l) => lines.push(l) },
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("retrying GET");
    expect(lines[0]).toContain("HTTP 429 (Cloudflare error 971)");
    expect(lines[0]).toContain("attempt 2 of 4");
    expect(lines.join("\n")).not.toContain(CANARY_TOKEN);
  });

  it("an aborted signal rejects with TurnKeyLookupAbortedError and sends nothing", async () => {
    const { error, seen } = await lookup([{ status: 200, body: envelope(RESULT) }], { signal: AbortSignal.abort() });
    expect(error).toBeInstanceOf(TurnKeyLookupAbortedError);
    expect(seen).toHaveLength(0);
  });

  it("connection failures become CloudflareConnectionError after retries", async () => {
    const err = await getTurnKey(
      { accountId: ACCOUNT_ID, keyId: KEY_ID },
      { apiToken: CANARY_TOKEN, env: {}, baseUrl: "http://127.0.0.1:9/client/v4", maxRetries: 1 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareConnectionError);
    expect((err as CloudflareConnectionError).attempts).toBe(2);
    expect((err as Error).message).toContain("ECONNREFUSED");
    expect((err as Error).message).toContain("http://127.0.0.1:9");
  });

  it("a lookup that outlives its deadline is CloudflareTimeoutError", async () => {
    const { agent } = mockApi([{ status: 200, body: envelope(RESULT) }]);
    // A dispatcher that starts the request and never answers: only the deadline can end the lookup.
    let abortedWith: unknown;
    const hanging = {
      dispatch: (_opts: unknown, handler: { onRequestStart(c: unknown): void; onResponseError(c: unknown, e: unknown): void }) => {
        const controller = {
          abort: (reason: unknown) => {
            abortedWith = reason;
            handler.onResponseError(controller, reason);
          },
        };
        handler.onRequestStart(controller);
        return true;
      },
    } as unknown as typeof agent;
    const err = await getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }, { apiToken: CANARY_TOKEN, env: {}, dispatcher: hanging, timeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    await agent.close();
    expect(err).toBeInstanceOf(CloudflareTimeoutError);
    expect((err as Error).message).toContain("200 ms deadline");
    // The request itself was aborted, not left running.
    expect(abortedWith).toBeInstanceOf(Error);
  });
});
