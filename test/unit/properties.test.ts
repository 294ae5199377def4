// Property-based: whatever the ids and whatever the server answers, the
// client returns a valid TurnKey or throws one of our errors, before its
// deadline, and never sends a malformed id.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ID_PATTERN } from "../../provider/core/ids";
import { type ResultReader, fastFields, readKey, readKeyList, successResult, zodReading } from "../../provider/client/response";
import { TurnKeyInputError, TurnKeyLookupError, getTurnKey } from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { RESULT, type Reply, envelope, mockApi } from "../support/mockApi";

/** Strings that look like ids, nearly ids, or anything at all. */
const idLike = fc.oneof(
  fc.stringMatching(ID_PATTERN),
  fc.stringMatching(/^[0-9a-fA-F./?#%\s-]{28,36}$/),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("..", "../../user/tokens", `${KEY_ID}/`, `${KEY_ID}?x=1`, `${KEY_ID}#`, "%2e%2e", `${KEY_ID.slice(0, 31)}\u0430`, ""),
);

describe("ids", () => {
  it("only 32 lowercase hex ids are sent; anything else is a TurnKeyInputError before any request", async () => {
    await fc.assert(
      fc.asyncProperty(idLike, idLike, async (accountId, keyId) => {
        const { agent, seen } = mockApi([{ status: 200, body: envelope({ ...RESULT, uid: keyId }) }]);
        const outcome = await getTurnKey({ accountId, keyId }, { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, maxRetries: 0 }).then(
          (v) => v,
          (e: unknown) => e,
        );
        await agent.close();
        if (ID_PATTERN.test(accountId) && ID_PATTERN.test(keyId)) {
          expect(outcome).toMatchObject({ accountId, keyId, uid: keyId });
          expect(seen).toHaveLength(1);
          expect(seen[0]!.path).toBe(`/client/v4/accounts/${accountId}/calls/turn_keys/${keyId}`);
        } else {
          expect(outcome).toBeInstanceOf(TurnKeyInputError);
          expect(["accountId", "keyId"]).toContain((outcome as TurnKeyInputError).field);
          expect(seen).toHaveLength(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Arbitrary JSON-ish values, and bodies that are close to right. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  jsonValue,
  fc.string({ maxLength: 200 }),
  fc.record({ success: fc.boolean(), errors: fc.anything(), messages: fc.anything(), result: fc.oneof(jsonValue, fc.constant(RESULT)) }, { requiredKeys: [] }),
  fc.record({
    success: fc.constant(true),
    result: fc.record(
      {
        uid: fc.oneof(fc.constant(KEY_ID), fc.string()),
        name: fc.anything(),
        created: fc.oneof(fc.constant(RESULT.created), fc.string()),
        modified: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.constant(envelope(RESULT)),
);
const reply: fc.Arbitrary<Reply> = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 201, 204, 301, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503), fc.integer({ min: 200, max: 599 })),
  body,
  headers: fc.record(
    {
      "content-type": fc.constantFrom("application/json", "application/json; charset=utf-8", "text/html", "application/problem+json", ""),
      "retry-after": fc.constantFrom("0", "1", "abc", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"),
      "retry-after-ms": fc.constantFrom("0", "5", "nan"),
      location: fc.constant("https://elsewhere.example/"),
    },
    { requiredKeys: [] },
  ),
});

describe("server responses", () => {
  it("any sequence of answers ends in a valid TurnKey or one of our errors, within the deadline", async () => {
    const timeoutMs = 2_000;
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 2 }), async (replies, maxRetries) => {
        const { agent, seen } = mockApi(replies);
        const started = Date.now();
        const outcome = await getTurnKey(
          { accountId: ACCOUNT_ID, keyId: KEY_ID },
          { apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, maxRetries, timeoutMs },
        ).then(
          (v) => v,
          (e: unknown) => e,
        );
        const elapsed = Date.now() - started;
        await agent.close();
        expect(elapsed).toBeLessThan(timeoutMs + 500);
        expect(seen.length).toBeGreaterThanOrEqual(1);
        expect(seen.length).toBeLessThanOrEqual(maxRetries + 1);
        expect(seen.every((r) => r.method === "GET")).toBe(true);
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(TurnKeyLookupError);
          expect(outcome.message).not.toContain(CANARY_TOKEN);
        } else {
          expect(outcome).toMatchObject({ accountId: ACCOUNT_ID, keyId: KEY_ID, uid: KEY_ID });
          expect(typeof (outcome as { name: unknown }).name).toBe("string");
          // A date Cloudflare gave, or "" where it gave none (the documented tolerant reading); never an invented one.
          const { created } = outcome as { created: string };
          expect(created === "" || !Number.isNaN(Date.parse(created))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

/** Dates as Cloudflare writes them, their variants, and near misses around the calendar and the format's edges. */
const dateLike = fc.oneof(
  fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().replace(/\.\d+Z$/, "Z")),
  fc
    .tuple(
      fc.integer({ min: 1999, max: 2030 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
    )
    .map(
      ([y, mo, d, h, mi]) =>
        `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}:00Z`,
    ),
  fc.constantFrom(
    "2024-02-29T10:00:00Z",
    "2023-02-29T10:00:00Z",
    "2100-02-29T10:00:00Z",
    "2000-02-29T10:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-00-10T00:00:00Z",
    "2024-06-00T00:00:00Z",
    "2024-06-10T24:00:00Z",
    "2024-06-10T23:60:00Z",
    "2024-06-10T23:59:60Z",
    "2024-01-01T10:00:00+05:30",
    "2024-01-01T10:00:00-23:59",
    "2024-01-01T10:00:00+24:00",
    "2024-01-01T10:00:00.123456789Z",
    "2024-01-01T10:00:00.1234567891Z",
    "2024-01-01T10:00:00z",
    "2024-01-01 10:00:00Z",
    "2024-01-01T10:00Z",
    "2024-01-01T10:00:00",
    "",
  ),
  fc.string({ maxLength: 30 }),
);
const message = fc.record({ code: fc.oneof(fc.integer(), fc.double(), fc.string()), message: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] });
const keyResult = fc.record(
  {
    uid: fc.oneof({ arbitrary: fc.constant(KEY_ID), weight: 6 }, fc.stringMatching(ID_PATTERN), fc.string({ maxLength: 34 }), fc.integer()),
    name: fc.oneof({ arbitrary: fc.string(), weight: 8 }, fc.constant(null), fc.integer()),
    created: fc.oneof({ arbitrary: dateLike, weight: 8 }, fc.constant(null)),
    modified: fc.oneof({ arbitrary: dateLike, weight: 8 }, fc.integer()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
const successBody = fc.record(
  {
    success: fc.oneof({ arbitrary: fc.constant(true), weight: 8 }, fc.boolean(), fc.constant("true")),
    errors: fc.oneof({ arbitrary: fc.constant([]), weight: 8 }, fc.constant(null), fc.array(message, { maxLength: 2 }), fc.string()),
    messages: fc.oneof({ arbitrary: fc.constant([]), weight: 8 }, fc.constant(null), fc.array(message, { maxLength: 2 })),
    result: fc.oneof({ arbitrary: keyResult, weight: 4 }, { arbitrary: fc.array(keyResult, { maxLength: 3 }), weight: 4 }, fc.jsonValue({ maxDepth: 2 })),
    result_info: fc.oneof(
      fc.record(
        { page: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()), total_pages: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(2 ** 60)) },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: ["success", "result"] },
);

describe("the fast reading of a successful answer (no zod)", () => {
  it("accepts nothing zod refuses, and reads what it accepts exactly as zod does", async () => {
    const zod = await zodReading();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(successBody, async (json) => {
        for (const reader of [readKey(ACCOUNT_ID, KEY_ID), readKeyList(ACCOUNT_ID)] as ResultReader<unknown>[]) {
          const success = successResult(json);
          const fast = success && reader(success.result, success.resultInfo, fastFields);
          if (fast === undefined || typeof fast === "string") continue;
          accepted++;
          const envelope = zod.envelope.safeParse(json);
          expect(envelope.success && envelope.data.success).toBe(true);
          expect(reader(envelope.data!.result, success!.resultInfo, zod.fields)).toEqual(fast);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator reaches the fast path often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(200);
  });
});
