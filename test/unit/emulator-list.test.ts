// The emulator's list and create: creation order, speed with 10,000 keys,
// the secret's documented length, and fault scripts on the list path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { createTurnKeyClient } from "../../provider/client/client";
import { ACCOUNT_ID, CANARY_TOKEN } from "../support/ids";

const uidOf = (i: number) => (0xabc0000 + i).toString(16).padStart(32, "0");

describe("the emulator's list", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN });
  });
  afterAll(() => emulator.close());

  it("answers 10,000 keys in creation order, fast", async () => {
    // Inserted in an order unlike their uids' sort order.
    for (let i = 9_999; i >= 0; i--) emulator.store.put({ accountId: ACCOUNT_ID, uid: uidOf(i), name: `key-${i}` });
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} });
    await client.listTurnKeys({ accountId: ACCOUNT_ID }); // warm
    const started = performance.now();
    const keys = await client.listTurnKeys({ accountId: ACCOUNT_ID });
    const elapsed = performance.now() - started;
    await client.close();
    expect(keys).toHaveLength(10_000);
    expect(keys.slice(0, 3).map((k) => k.name)).toEqual(["key-9999", "key-9998", "key-9997"]);
    expect(keys.at(-1)!.name).toBe("key-0");
    expect(elapsed).toBeLessThan(1_000);
  });

  it("creates a key whose secret is 64 characters, returned by the create call only", async () => {
    const res = await fetch(`${emulator.url}/accounts/${ACCOUNT_ID}/calls/turn_keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${CANARY_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "fresh" }),
    });
    const body = (await res.json()) as { result: { uid: string; key: string } };
    expect(res.status).toBe(201);
    expect(body.result.key).toMatch(/^[0-9a-f]{64}$/);
    const again = (await (
      await fetch(`${emulator.url}/accounts/${ACCOUNT_ID}/calls/turn_keys/${body.result.uid}`, { headers: { authorization: `Bearer ${CANARY_TOKEN}` } })
    ).json()) as {
      result: Record<string, unknown>;
    };
    expect(again.result).not.toHaveProperty("key");
  });

  it("plays fault scripts on the list path", async () => {
    emulator.addFaults([{ path: `/accounts/${ACCOUNT_ID}/calls/turn_keys`, method: "GET", steps: [{ status: 503, body: "busy" }] }]);
    const res = await fetch(`${emulator.url}/accounts/${ACCOUNT_ID}/calls/turn_keys`, { headers: { authorization: `Bearer ${CANARY_TOKEN}` } });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("busy");
    const next = await fetch(`${emulator.url}/accounts/${ACCOUNT_ID}/calls/turn_keys`, { headers: { authorization: `Bearer ${CANARY_TOKEN}` } });
    expect(next.status).toBe(200);
  });
});
