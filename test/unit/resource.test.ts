import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { TurnKeyInputError, TurnKeyLookup } from "../../provider";
import { checkedId, validIdOf } from "../../provider/turnKeyLookup";
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

  it("passes ids given as outputs through a check once they are known, naming the resource", async () => {
    mockEngine("p", {});
    const key = new TurnKeyLookup("from-output", { accountId: pulumi.output(ACCOUNT_ID), keyId: pulumi.output(KEY_ID) });
    expect(await valueOf(key.uid)).toBe(KEY_ID);
    expect(await valueOf(pulumi.output(checkedId("r", "keyId", pulumi.output(KEY_ID))))).toBe(KEY_ID);
    // What the check applies to the known value (a rejected output in a real program).
    expect(() => validIdOf("from-bad-output", "keyId", "not/an/id")).toThrow(
      /^TurnKeyLookup from-bad-output: keyId must be 32 lowercase hexadecimal characters, .*"not\/an\/id" has the character "n" at position 1/,
    );
  });

  it("throws TurnKeyInputError naming the resource for a missing account id or a malformed key id", () => {
    mockEngine("p", {});
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(TurnKeyInputError);
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(/TurnKeyLookup no-account: accountId is missing; pass it, or set CLOUDFLARE_ACCOUNT_ID/);
    expect(() => new TurnKeyLookup("bad-key", { accountId: ACCOUNT_ID, keyId: "abc/def" })).toThrow(/TurnKeyLookup bad-key: keyId must be 32 lowercase hexadecimal characters/);
  });
});
