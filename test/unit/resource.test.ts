import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { TurnKeyInputError, TurnKeyLookup, type TurnKeyLookupArgs, TurnKeys } from "../../provider";
import { checkedArgument } from "../../provider/pulumi/inputs";
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
    expect(await valueOf(pulumi.output(checkedArgument("TurnKeyLookup r", "keyId", pulumi.output(KEY_ID))))).toBe(KEY_ID);
    // What the check does to the known value (a rejected output in a real program), shown on the plain value.
    expect(() => checkedArgument("TurnKeyLookup from-bad-output", "keyId", "not/an/id")).toThrow(
      /^TurnKeyLookup from-bad-output: keyId must be 32 lowercase hexadecimal characters, .*"not\/an\/id" has the character "n" at position 1/,
    );
  });

  it("throws TurnKeyInputError naming the resource for a missing account id or a malformed key id", () => {
    mockEngine("p", {});
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(TurnKeyInputError);
    expect(() => new TurnKeyLookup("no-account", { keyId: KEY_ID })).toThrow(
      /^TurnKeyLookup no-account: accountId is missing \(pass accountId or set CLOUDFLARE_ACCOUNT_ID\)/,
    );
    expect(() => new TurnKeyLookup("bad-key", { accountId: ACCOUNT_ID, keyId: "abc/def" })).toThrow(
      /TurnKeyLookup bad-key: keyId must be 32 lowercase hexadecimal characters/,
    );
  });
});

describe("TurnKeyLookup by name, and TurnKeys", () => {
  it("a lookup by name registers a read under name:<name>, with the name as an input", async () => {
    const seen = mockEngine("p", {});
    const key = new TurnKeyLookup("by-name", { accountId: ACCOUNT_ID, name: "production-realtime-app" });
    // Resolves once the mocked engine has read it.
    expect(await valueOf(key.accountId)).toBe(ACCOUNT_ID);
    expect(seen).toEqual([
      expect.objectContaining({ type: "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup", name: "by-name", id: "name:production-realtime-app" }),
    ]);
    expect(seen[0]!.inputs).toMatchObject({ accountId: ACCOUNT_ID, name: "production-realtime-app" });
    expect(seen[0]!.inputs.keyId).toBeUndefined();
  });

  it("both or neither of keyId and name is a TurnKeyInputError before anything is registered", () => {
    const seen = mockEngine("p", {});
    const both = { accountId: ACCOUNT_ID, keyId: KEY_ID, name: "x" } as unknown as TurnKeyLookupArgs;
    const neither = { accountId: ACCOUNT_ID } as unknown as TurnKeyLookupArgs;
    expect(() => new TurnKeyLookup("both", both)).toThrow(
      new TurnKeyInputError("name", "TurnKeyLookup both: give exactly one of keyId and name (both were given)."),
    );
    expect(() => new TurnKeyLookup("neither", neither)).toThrow("TurnKeyLookup neither: give exactly one of keyId and name (neither was given).");
    expect(() => new TurnKeyLookup("not-a-string", { accountId: ACCOUNT_ID, name: 3 as unknown as string })).toThrow(
      /TurnKeyLookup not-a-string: name must be a string/,
    );
    expect(seen).toEqual([]);
  });

  it("TurnKeys registers a read of the account's list with the cloudflare:TurnKeys type token", async () => {
    const seen = mockEngine("p", {});
    const all = new TurnKeys("all", { accountId: ACCOUNT_ID });
    expect(await valueOf(all.accountId)).toBe(ACCOUNT_ID);
    expect(seen).toEqual([expect.objectContaining({ type: "pulumi-nodejs:dynamic/cloudflare:TurnKeys", name: "all", id: "turn_keys" })]);
    expect(seen[0]!.inputs.accountId).toBe(ACCOUNT_ID);
    expect(() => new TurnKeys("bad", { accountId: "x" })).toThrow(/TurnKeys bad: accountId must be 32 lowercase hexadecimal characters/);
  });

  it("input errors are marked as expected failures, so the program runner prints their message without a stack", () => {
    mockEngine("p", {});
    const err = (() => {
      try {
        new TurnKeyLookup("bad-key", { accountId: ACCOUNT_ID, keyId: "abc" });
      } catch (e) {
        return e;
      }
    })();
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect(err).toBeInstanceOf(TurnKeyInputError);
  });
});
