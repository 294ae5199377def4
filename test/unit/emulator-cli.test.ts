import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { type EmulatorProcess, startEmulatorProcess } from "../support/emulatorProcess";

describe("cloudflare-turn-emulator (the bin)", () => {
  let emulator: EmulatorProcess;
  let url: string;
  let dir: string;
  const auth = { authorization: `Bearer ${CANARY_TOKEN}` };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-emulator-"));
    const seed = path.join(dir, "seed.json");
    fs.writeFileSync(
      seed,
      JSON.stringify({
        keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "seeded", created: "2024-01-01T00:00:00Z" }],
        faults: [{ path: `/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`, method: "GET", steps: [{ status: 503, body: "warming up" }] }],
      }),
    );
    emulator = await startEmulatorProcess(["--token", CANARY_TOKEN, "--seed", seed]);
    url = emulator.url;
  });
  afterAll(() => {
    emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prints its base URL, ending in /client/v4, as the first line", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
  });

  it("plays the seed file's faults, then serves the seeded key", async () => {
    const keyUrl = `${url}/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`;
    const first = await fetch(keyUrl, { headers: auth });
    expect(first.status).toBe(503);
    expect(await first.text()).toBe("warming up");
    const second = await fetch(keyUrl, { headers: auth });
    expect(second.status).toBe(200);
    expect(second.headers.get("cf-ray")).toMatch(/-EMU$/);
    expect(await second.json()).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: { uid: KEY_ID, name: "seeded", created: "2024-01-01T00:00:00Z", modified: "2024-01-01T00:00:00Z" },
    });
  });

  it("checks the token it was started with", async () => {
    const res = await fetch(`${url}/accounts/${ACCOUNT_ID}/calls/turn_keys`, { headers: { authorization: "Bearer other" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { code: number }[] }).errors[0]!.code).toBe(10000);
    const missing = await fetch(`${url}/accounts/${ACCOUNT_ID}/calls/turn_keys`);
    expect(missing.status).toBe(400);
  });

  it("takes fault scripts and reports requests, without credentials, through its admin API", async () => {
    const admin = emulator.admin;
    await fetch(`${admin}/requests`, { method: "DELETE" });
    const armed = await fetch(`${admin}/faults`, {
      method: "POST",
      body: JSON.stringify({
        path: "*",
        steps: [{ status: 429, headers: { "retry-after": "7" }, body: { success: false, errors: [{ code: 971, message: "slow" }] } }],
      }),
    });
    expect(armed.status).toBe(200);
    const limited = await fetch(`${url}/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    const log = (await (await fetch(`${admin}/requests`)).json()) as { method: string; path: string; status: number; headers: Record<string, string> }[];
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([["GET", `/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`, 429]]);
    expect(log[0]!.headers.authorization).toBe("[redacted]");
    expect(JSON.stringify(log)).not.toContain(CANARY_TOKEN);
  });
});
