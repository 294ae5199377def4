import { afterEach, describe, expect, it } from "vitest";
import { TurnKeyInputError, TurnKeyLookup } from "../../provider";
import { ACCOUNT_ID, KEY_ID } from "../support/ids";
import { mockEngine, valueOf } from "../support/mocks";

describe("TurnKeyLookup", () => {
  afterEach(() => {
    delete process.env.CLOUDFLARE_ACCOUNT_ID;
  });

  it("registers a read of the key id with the cloudflare:TurnKeyLookup type token and typed outputs", async () => {
    const seen = mockEngine("p", {});
    const key = new TurnKeyLookup("k", { accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(await valueOf(key.uid)).toBe(KEY_ID);
    expect(await valueOf(key.accountId)).toBe(ACCOUNT_ID);
    expect(await valueOf(key.keyId)).toBe(KEY_ID);
    expect(await valueOf(key.id)).toBe(KEY_ID);
    expect(seen).toEqual([expect.objectContaining({ type: "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup", name: "k", id: KEY_ID })]);
  });

  it("takes the account id from CLOUDFLARE_ACCOUNT_ID when it is not given", async () => {
    process.env.CLOUDFLARE_ACCOUNT_ID = ACCOUNT_ID;
    const seen = mockEngine("p", {});
    const key = new TurnKeyLookup("k2", { keyId: KEY_ID });
    expect(await valueOf(key.accountId)).toBe(ACCOUNT_ID);
    expect(seen[0]!.inputs.accountId).toBe(ACCOUNT_ID);
  });

  it("throws TurnKeyInputError naming the resource for a missing account id or a malformed key id", () => {
    mockEngine("p", {});
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(TurnKeyInputError);
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(/TurnKeyLookup no-account: accountId is missing; pass it, or set CLOUDFLARE_ACCOUNT_ID/);
    expect(() => new TurnKeyLookup("bad-key", { accountId: ACCOUNT_ID, keyId: "abc/def" })).toThrow(/TurnKeyLookup bad-key: keyId must be 32 lowercase hexadecimal characters/);
  });
});
