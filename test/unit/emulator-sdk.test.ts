import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ID_PATTERN } from "../../provider/core/ids";
import { ACCOUNT_ID, CANARY_TOKEN } from "../support/ids";

describe("the emulator with the official cloudflare SDK", () => {
  let emulator: RunningEmulator;
  let client: Cloudflare;
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN });
    client = new Cloudflare({ apiToken: CANARY_TOKEN, baseURL: emulator.url, maxRetries: 0 });
  });
  afterAll(() => emulator.close());

  it("round-trips create, get, list, rename and delete", async () => {
    const created = await client.calls.turn.create({ account_id: ACCOUNT_ID, name: "first" });
    expect(created.uid).toMatch(ID_PATTERN);
    expect(created.name).toBe("first");
    expect(typeof created.key).toBe("string");
    expect(created.key!.length).toBeGreaterThan(20);
    const uid = created.uid!;

    const got = await client.calls.turn.get(uid, { account_id: ACCOUNT_ID });
    expect(got).toEqual({ uid, name: "first", created: created.created, modified: created.modified });
    expect(got).not.toHaveProperty("key");

    const page = await client.calls.turn.list({ account_id: ACCOUNT_ID });
    expect(page.result.map((k) => k.uid)).toEqual([uid]);
    expect(page.result[0]).not.toHaveProperty("key");

    const renamed = await client.calls.turn.update(uid, { account_id: ACCOUNT_ID, name: "second" });
    expect(renamed.name).toBe("second");
    expect(Date.parse(renamed.modified!)).toBeGreaterThan(Date.parse(created.modified!));

    const deleted = await client.calls.turn.delete(uid, { account_id: ACCOUNT_ID });
    expect(deleted.uid).toBe(uid);
    await expect(client.calls.turn.get(uid, { account_id: ACCOUNT_ID })).rejects.toMatchObject({ status: 404 });

    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "GET 200", "GET 200", "PUT 200", "DELETE 200", "GET 404"]);
  });

  it("refuses a wrong token with Cloudflare's authentication error", async () => {
    const wrong = new Cloudflare({ apiToken: "not-the-token", baseURL: emulator.url, maxRetries: 0 });
    await expect(wrong.calls.turn.list({ account_id: ACCOUNT_ID })).rejects.toMatchObject({
      status: 401,
      errors: [{ code: 10000, message: "Authentication error" }],
    });
  });

  it("answers a malformed id with 7003 and a cf-ray header, and keeps credentials out of its log", async () => {
    const res = await fetch(`${emulator.url}/accounts/${ACCOUNT_ID}/calls/turn_keys/..%2Fx`, {
      headers: { authorization: `Bearer ${CANARY_TOKEN}` },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("cf-ray")).toMatch(/^[0-9a-f]{16}-EMU$/);
    const body = (await res.json()) as { success: boolean; errors: { code: number }[] };
    expect(body.success).toBe(false);
    expect(body.errors[0]!.code).toBe(7003);
    expect(JSON.stringify(emulator.requests)).not.toContain(CANARY_TOKEN);
    expect(emulator.requests.at(-1)!.headers.authorization).toBe("[redacted]");
  });
});
