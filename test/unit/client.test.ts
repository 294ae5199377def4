import { describe, expect, it } from "vitest";
import {
  CloudflareApiError,
  CloudflareConnectionError,
  CloudflareTimeoutError,
  type GetTurnKeyOptions,
  TurnKeyInputError,
  TurnKeyLookupAbortedError,
  TurnKeyNotFoundError,
  getTurnKey,
} from "../../provider/lookupClient";
import { parseBaseUrl } from "../../provider/client/connection";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
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
    const { agent, seen } = mockApi([{ status: 200, body: envelope(RESULT) }]);
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
    const { agent } = mockApi([{ status: 200, body: envelope(RESULT) }]);
    const key = await getTurnKey(
      { accountId: ACCOUNT_ID, keyId: KEY_ID },
      { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, baseUrl: "http://127.0.0.1:8787/client/v4" },
    );
    expect(key.uid).toBe(KEY_ID);
  });
});

describe("getTurnKey: sharing, cache, deadline and abort", () => {
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
