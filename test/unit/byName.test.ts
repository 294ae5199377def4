// The client object: lists, lookups by name, and what they share.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as root from "../../provider";
import { createTurnKeyClient } from "../../provider/client/client";
import { nearestNames } from "../../provider/core/names";
import * as clientEntry from "../../provider/lookupClient";
import { TurnKeyAmbiguousError, TurnKeyInputError, TurnKeyNotFoundError } from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { RESULT, envelope, failure, mockApi } from "../support/mockApi";

const LIST_PATH = `/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`;
const uidOf = (i: number) => i.toString(16).padStart(32, "0");
const item = (i: number, name: string) => ({ uid: uidOf(i), name, created: "2024-01-01T00:00:00Z", modified: "2024-01-02T00:00:00Z" });

function clientWith(result: unknown[], options: Parameters<typeof createTurnKeyClient>[0] = {}) {
  const { agent, seen } = mockApi([{ status: 200, body: envelope(result) }]);
  const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, ...options });
  return { client, seen, agent };
}

describe("exports", () => {
  it("the client factory, its methods' error classes and the resources are exported where the docs say", () => {
    for (const entry of [root, clientEntry]) {
      expect(typeof entry.createTurnKeyClient).toBe("function");
      expect(entry.TurnKeyAmbiguousError.prototype).toBeInstanceOf(entry.TurnKeyLookupError);
    }
    // The process-wide default client is for scripts: /client has it, with a close; the root, which programs import, does not.
    for (const name of ["getTurnKey", "configureRequestLimits", "clearTurnKeyCache", "closeDefaultTurnKeyClient"] as const) {
      expect(typeof clientEntry[name]).toBe("function");
      expect(root).not.toHaveProperty(name);
    }
    expect(typeof root.TurnKeys).toBe("function");
    expect(typeof root.TurnKeyLookup).toBe("function");
    // Internals stay internal.
    for (const name of ["MAX_BACKOFF_MS", "CONFIG_KEYS", "LIMIT_CONFIG_KEYS", "turnKeyProvider", "DEFAULT_BASE_URL", "MAX_BODY_BYTES"]) {
      expect(root).not.toHaveProperty(name);
      expect(clientEntry).not.toHaveProperty(name);
    }
  });
});

describe("client.listTurnKeys", () => {
  it("sends one GET of the account's list and returns every key in the API's order", async () => {
    const { client, seen } = clientWith([item(2, "b"), item(1, "a")]);
    const keys = await client.listTurnKeys({ accountId: ACCOUNT_ID });
    expect(keys.map((k) => [k.uid, k.name, k.keyId, k.accountId])).toEqual([
      [uidOf(2), "b", uidOf(2), ACCOUNT_ID],
      [uidOf(1), "a", uidOf(1), ACCOUNT_ID],
    ]);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${LIST_PATH}`]);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY_TOKEN}`);
  });

  it('reads a key without a name as "", and one without dates as ""', async () => {
    const { client } = clientWith([{ uid: KEY_ID }]);
    expect(await client.listTurnKeys({ accountId: ACCOUNT_ID })).toEqual([
      { accountId: ACCOUNT_ID, keyId: KEY_ID, uid: KEY_ID, name: "", created: "", modified: "" },
    ]);
  });

  it("checks the account id before any request", async () => {
    const { client, seen } = clientWith([]);
    await expect(client.listTurnKeys({ accountId: "nope" })).rejects.toBeInstanceOf(TurnKeyInputError);
    await expect(client.listTurnKeys({})).rejects.toThrow(/accountId is missing \(pass accountId or set CLOUDFLARE_ACCOUNT_ID\)/);
    expect(seen).toHaveLength(0);
  });

  it("a 404 whose Cloudflare code says there is no such route blames the base URL and shows it, not the ids", async () => {
    const { agent } = mockApi([{ status: 404, body: failure(7000, "No route for that URI") }]);
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: "https://api.example.test", env: {}, dispatcher: agent });
    const err = (await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e)) as Error;
    expect(err).not.toBeInstanceOf(TurnKeyNotFoundError);
    expect(err.message).toContain(`Cloudflare has no API route for https://api.example.test/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`);
    // The plain client names its own option.
    expect(err.message).toContain("Check baseUrl / CLOUDFLARE_BASE_URL");
    expect(err.message).toContain("/client/v4");
    expect(err.message).not.toContain("Check keyId");
    expect(err.message).not.toContain(CANARY_TOKEN);
  });
});

describe("client.findTurnKeyByName", () => {
  const keys = [
    item(1, "production-realtime-app"),
    item(2, "staging-realtime-app"),
    item(3, ""),
    item(4, "twin"),
    item(5, "twin"),
    item(6, "Production-Realtime-App"),
  ];

  it("returns the one key with exactly that name, case-sensitively", async () => {
    const { client } = clientWith(keys);
    expect((await client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "production-realtime-app" })).uid).toBe(uidOf(1));
    expect((await client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "Production-Realtime-App" })).uid).toBe(uidOf(6));
  });

  it("finds the empty name only when exactly one key has it", async () => {
    expect((await clientWith(keys).client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "" })).uid).toBe(uidOf(3));
    const twoEmpty = clientWith([item(1, ""), item(2, "")]).client;
    await expect(twoEmpty.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "" })).rejects.toBeInstanceOf(TurnKeyAmbiguousError);
  });

  it("no match is TurnKeyNotFoundError counting the account's keys and naming up to 5 nearest names", async () => {
    const { client } = clientWith(keys);
    const err = (await client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "production-realtime-ap" }).catch((e: unknown) => e)) as TurnKeyNotFoundError;
    expect(err).toBeInstanceOf(TurnKeyNotFoundError);
    expect(err.keyName).toBe("production-realtime-ap");
    expect(err.keyId).toBeUndefined();
    expect(err.message).toBe(
      `No TURN key is named "production-realtime-ap" (account ${ACCOUNT_ID}, name "production-realtime-ap"). ` +
        'The account has 6 TURN keys; the nearest names are "production-realtime-app", "Production-Realtime-App", "staging-realtime-app", "twin", "". Names are exact and case-sensitive.',
    );
    const empty = clientWith([]).client;
    await expect(empty.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "x" })).rejects.toThrow(/The account has no TURN keys\.$/);
  });

  it("several matches are TurnKeyAmbiguousError listing their uids and pointing at keyId", async () => {
    const { client } = clientWith(keys);
    const err = (await client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: "twin" }).catch((e: unknown) => e)) as TurnKeyAmbiguousError;
    expect(err).toBeInstanceOf(TurnKeyAmbiguousError);
    expect(err.name).toBe("TurnKeyAmbiguousError");
    expect(err.uids).toEqual([uidOf(4), uidOf(5)]);
    expect(err.message).toBe(
      `2 TURN keys of account ${ACCOUNT_ID} are named "twin": ${uidOf(4)}, ${uidOf(5)}. Names need not be unique; look the key up by keyId instead, with one of these uids.`,
    );
  });

  it("refuses a name that is not a string before any request", async () => {
    const { client, seen } = clientWith(keys);
    await expect(client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: 5 as unknown as string })).rejects.toThrow(/name must be a string/);
    expect(seen).toHaveLength(0);
  });
});

describe("sharing within one client", () => {
  it("20 lookups by name and 2 lists of one account send one request", async () => {
    const { client, seen } = clientWith([item(1, "a"), item(2, "b")], { cache: true });
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: i % 2 ? "a" : "b" })),
      client.listTurnKeys({ accountId: ACCOUNT_ID }),
      client.listTurnKeys({ accountId: ACCOUNT_ID }),
    ]);
    expect(seen).toHaveLength(1);
  });

  it("with the cache on, a key of a listed account is served from the list; another key is fetched", async () => {
    const { agent, seen } = mockApi([
      { status: 200, body: envelope([item(1, "a")]) },
      { status: 200, body: envelope({ ...RESULT, uid: OTHER_KEY_ID }) },
    ]);
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, cache: true });
    const list = client.listTurnKeys({ accountId: ACCOUNT_ID });
    // Asked while the list is in flight: it waits for the list instead of sending its own GET.
    const fromList = await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: uidOf(1) });
    await list;
    expect(fromList).toMatchObject({ uid: uidOf(1), name: "a" });
    expect(seen).toHaveLength(1);
    await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID });
    expect(seen.map((r) => r.path)).toEqual([LIST_PATH, `${LIST_PATH}/${OTHER_KEY_ID}`]);
  });

  it("with the cache on, four or more keys of one account asked for together are read with one list request", async () => {
    const listed = Array.from({ length: 10 }, (_, i) => item(i, `k${i}`));
    const { client, seen } = clientWith(listed, { cache: true });
    const keys = await Promise.all(listed.map((k) => client.getTurnKey({ accountId: ACCOUNT_ID, keyId: k.uid })));
    expect(keys.map((k) => k.name)).toEqual(listed.map((k) => k.name));
    expect(seen.map((r) => r.path)).toEqual([LIST_PATH]);
  });

  it("fewer keys are read by GET each; a key the list lacks is read by GET, so its own error names it", async () => {
    const few = mockApi([
      { status: 200, body: envelope(item(1, "one")) },
      { status: 200, body: envelope(item(2, "two")) },
      { status: 200, body: envelope(item(3, "three")) },
    ]);
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: few.agent, cache: true });
    await Promise.all([1, 2, 3].map((i) => client.getTurnKey({ accountId: ACCOUNT_ID, keyId: uidOf(i) })));
    expect(few.seen.map((r) => r.path)).toEqual([1, 2, 3].map((i) => `${LIST_PATH}/${uidOf(i)}`));

    const { agent, seen } = mockApi([
      { status: 200, body: envelope([1, 2, 3, 4].map((i) => item(i, `k${i}`))) },
      { status: 404, body: failure(10404, "TURN key not found") },
    ]);
    const batched = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, cache: true });
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 9].map((i) => batched.getTurnKey({ accountId: ACCOUNT_ID, keyId: uidOf(i) })));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
    const missing = (outcomes[4] as PromiseRejectedResult).reason as TurnKeyNotFoundError;
    expect(missing).toBeInstanceOf(TurnKeyNotFoundError);
    expect(missing.message).toContain(`key ${uidOf(9)}`);
    expect(seen.map((r) => r.path)).toEqual([LIST_PATH, `${LIST_PATH}/${uidOf(9)}`]);
  });

  it("without the cache, each later call sends again; two clients share nothing", async () => {
    const { agent, seen } = mockApi([{ status: 200, body: envelope([item(1, "a")]) }]);
    const a = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: agent });
    const b = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: {}, dispatcher: agent, cache: true });
    await a.listTurnKeys({ accountId: ACCOUNT_ID });
    await a.listTurnKeys({ accountId: ACCOUNT_ID });
    await b.listTurnKeys({ accountId: ACCOUNT_ID });
    expect(seen).toHaveLength(3);
  });

  it("limits are checked at creation and on change, as TurnKeyInputError", () => {
    expect(() => createTurnKeyClient({ limits: { burst: 0 } })).toThrow(TurnKeyInputError);
    const client = createTurnKeyClient({ limits: { maxConcurrency: 4 } });
    expect(client.limits.maxConcurrency).toBe(4);
    expect(() => client.configureLimits({ intervalMs: 1.5 })).toThrow(/intervalMs must be a whole number >= 1; got 1.5/);
    expect(() => clientEntry.configureRequestLimits({ burst: -1 })).toThrow(TurnKeyInputError);
    expect(() => createTurnKeyClient({ timeoutMs: 0 })).toThrow(TurnKeyInputError);
  });
});

describe("by name, as a property", () => {
  const names = fc.constantFrom("", "a", "b", "prod", "Prod", "prod ", "staging");
  it("any list and any name give exactly one of found, not found, ambiguous, each correct", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(names, { maxLength: 12 }), names, async (listNames, wanted) => {
        const { client, seen } = clientWith(listNames.map((n, i) => item(i, n)));
        const outcome = await client.findTurnKeyByName({ accountId: ACCOUNT_ID, name: wanted }).then(
          (key) => key,
          (err: unknown) => err,
        );
        const matching = listNames.flatMap((n, i) => (n === wanted ? [uidOf(i)] : []));
        if (matching.length === 1) expect(outcome).toMatchObject({ uid: matching[0], name: wanted, keyId: matching[0] });
        else if (matching.length === 0) {
          expect(outcome).toBeInstanceOf(TurnKeyNotFoundError);
          expect((outcome as Error).message).toContain(listNames.length === 0 ? "no TURN keys" : `has ${listNames.length} TURN key`);
        } else {
          expect(outcome).toBeInstanceOf(TurnKeyAmbiguousError);
          expect((outcome as TurnKeyAmbiguousError).uids).toEqual(matching);
        }
        expect(seen).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });

  it("nearest names are distinct, at most 5, nearest first", () => {
    expect(nearestNames("prod", ["prod-eu", "prod", "prod", "dev", "x", "staging", "prod-us"])).toEqual(["prod", "prod-eu", "prod-us", "dev", "x"]);
  });
});
