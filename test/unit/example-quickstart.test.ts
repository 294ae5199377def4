import { describe, expect, it } from "vitest";
import { ACCOUNT_ID, KEY_ID } from "../support/ids";
import { MOCK_KEY, mockEngine, valueOf } from "../support/mocks";

describe("examples/quickstart with mocks", () => {
  it("reads the key by id (never creates it) and exports its four fields", async () => {
    const seen = mockEngine("turn-key-quickstart", { keyId: KEY_ID, accountId: ACCOUNT_ID });
    const program = await import("../../examples/quickstart/index.js");
    expect(await valueOf(program.name!)).toBe(MOCK_KEY.name);
    expect(await valueOf(program.uid!)).toBe(KEY_ID);
    expect(await valueOf(program.created!)).toBe(MOCK_KEY.created);
    expect(await valueOf(program.modified!)).toBe(MOCK_KEY.modified);

    const lookups = seen.filter((r) => r.type === "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup");
    expect(lookups).toHaveLength(1);
    // Registered with the `id` option: the engine reads it.
    expect(lookups[0]!.id).toBe(KEY_ID);
    expect(lookups[0]!.inputs.accountId).toBe(ACCOUNT_ID);
    expect(lookups[0]!.inputs.keyId).toBe(KEY_ID);
    expect(typeof lookups[0]!.inputs.__provider).toBe("string");
    expect(Object.keys(lookups[0]!.inputs).sort()).toEqual(["__provider", "accountId", "keyId"]);
  });
});
