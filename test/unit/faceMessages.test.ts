// Each face gives the client the names of its own settings, and every
// message advises only what that face can set: the TypeScript forms their
// stack-config keys, the plain client its options, the plugin its own keys.
// Over a real socket, against the emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { createTurnKeyClient } from "../../provider/client";
import { CloudflareAuthError, CloudflareTimeoutError, TurnKeyInputError } from "../../provider/core/errors";
import { PROGRAM_NAMES, type SettingNames } from "../../provider/core/settings";
import { PLUGIN_NAMES } from "../../provider/plugin/config";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";

/** What each face's messages say, where they differ. */
const FACES: { face: string; names: SettingNames | undefined; credential: string; account: string; timeout: string; token: string; base: string }[] = [
  {
    face: "the TypeScript forms",
    names: PROGRAM_NAMES,
    credential:
      "No Cloudflare credential found: set the stack secret cloudflare:apiToken (pulumi config set --secret cloudflare:apiToken <token>) or the environment variable CLOUDFLARE_API_TOKEN.",
    account: "accountId is missing (pass accountId or set CLOUDFLARE_ACCOUNT_ID);",
    // The TypeScript forms set no deadline: no advice to raise one.
    timeout: "Check the network and cloudflare:baseUrl / CLOUDFLARE_BASE_URL.",
    token: "Check that the API token (cloudflare:apiToken / CLOUDFLARE_API_TOKEN) is valid",
    base: "cloudflare:baseUrl / CLOUDFLARE_BASE_URL",
  },
  {
    face: "the plain client",
    names: undefined,
    credential: "No Cloudflare credential found: pass apiToken or set the environment variable CLOUDFLARE_API_TOKEN.",
    account: "accountId is missing (pass accountId or set CLOUDFLARE_ACCOUNT_ID);",
    timeout: "Raise timeoutMs, or check the network and baseUrl / CLOUDFLARE_BASE_URL.",
    token: "Check that the API token (apiToken / CLOUDFLARE_API_TOKEN) is valid",
    base: "baseUrl / CLOUDFLARE_BASE_URL",
  },
  {
    face: "the plugin",
    names: PLUGIN_NAMES,
    credential:
      "No Cloudflare credential found: set the stack secret cloudflare-turn-lookup:apiToken (pulumi config set --secret cloudflare-turn-lookup:apiToken <token>) " +
      "or the environment variable CLOUDFLARE_API_TOKEN.",
    account: "accountId is missing (pass accountId, or set cloudflare-turn-lookup:accountId or CLOUDFLARE_ACCOUNT_ID);",
    timeout: "Raise cloudflare-turn-lookup:timeoutMs, or check the network and cloudflare-turn-lookup:baseUrl / CLOUDFLARE_BASE_URL.",
    token: "Check that the API token (cloudflare-turn-lookup:apiToken / CLOUDFLARE_API_TOKEN) is valid",
    base: "cloudflare-turn-lookup:baseUrl / CLOUDFLARE_BASE_URL",
  },
];

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "app" }] } });
});
afterAll(() => emulator?.close());

describe.each(FACES)("$face", ({ names, credential, account, timeout, token, base }) => {
  const client = (options: Parameters<typeof createTurnKeyClient>[0]) => createTurnKeyClient({ env: {}, baseUrl: emulator.url, ...options, names });

  it("names its own settings for a missing credential and a missing account, before any request", async () => {
    emulator.reset();
    const noToken = await client({})
      .getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID })
      .catch((e: unknown) => e);
    expect(noToken).toBeInstanceOf(TurnKeyInputError);
    expect((noToken as Error).message).toBe(`${credential} The token needs the "Calls Read" permission.`);
    const noAccount = await client({ apiToken: CANARY_TOKEN })
      .getTurnKey({ keyId: KEY_ID })
      .catch((e: unknown) => e);
    expect(noAccount).toBeInstanceOf(TurnKeyInputError);
    expect((noAccount as Error).message).toContain(account);
    const plainHttp = await client({ apiToken: CANARY_TOKEN, baseUrl: "http://api.example.test/client/v4" })
      .getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID })
      .catch((e: unknown) => e);
    expect(plainHttp).toBeInstanceOf(TurnKeyInputError);
    expect((plainHttp as Error).message).toBe(
      `The base URL (${base}) must use https:// (plain http:// is allowed only for a loopback host such as 127.0.0.1); got http://api.example.test.`,
    );
    expect(emulator.requests).toEqual([]);
  });

  it("advises what it can set when the deadline passes and when the token is refused", async () => {
    emulator.setConditions({ latencyMs: 2_000 });
    try {
      const late = await client({ apiToken: CANARY_TOKEN, timeoutMs: 100 })
        .getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID })
        .catch((e: unknown) => e);
      expect(late).toBeInstanceOf(CloudflareTimeoutError);
      expect((late as Error).message).toBe(`The TURN key lookup did not finish within its 100 ms deadline (account ${ACCOUNT_ID}, key ${KEY_ID}). ${timeout}`);
    } finally {
      emulator.setConditions({});
    }
    const refused = await client({ apiToken: "wrong-token-0b8d2f4a6c1e3a5b7d9f" })
      .getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CloudflareAuthError);
    expect((refused as Error).message).toContain(token);
    expect((refused as Error).message).not.toContain("wrong-token");
  });
});

describe("a by-id lookup answered by its account's list", () => {
  it("names its key when the list fails for the account, and so does a later lookup that the kept failure answers", async () => {
    emulator.reset();
    const client = createTurnKeyClient({ env: {}, baseUrl: emulator.url, apiToken: "wrong-token-0b8d2f4a6c1e3a5b7d9f", cache: true });
    const keys = ["0".repeat(32), "1".repeat(32), "2".repeat(32), "3".repeat(32)];
    // Four keys of one account asked for together are read with one list request.
    const errors = (await Promise.all(keys.map((keyId) => client.getTurnKey({ accountId: ACCOUNT_ID, keyId }).catch((e: unknown) => e)))) as Error[];
    expect(emulator.requests.map((r) => r.path)).toEqual([`/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`]);
    errors.forEach((err, i) => {
      expect(err).toBeInstanceOf(CloudflareAuthError);
      expect(err.message).toMatch(
        new RegExp(`^Cloudflare refused the credential for the TURN key lookup \\(account ${ACCOUNT_ID}, key ${keys[i]}\\)\\. HTTP 401`),
      );
    });
    const later = (await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e)) as CloudflareAuthError;
    expect(later.keyId).toBe(KEY_ID);
    expect(later.message).toContain(`Cloudflare refused the credential for the TURN key lookup (account ${ACCOUNT_ID}, key ${KEY_ID})`);
    expect(emulator.requests).toHaveLength(1);
  });
});
