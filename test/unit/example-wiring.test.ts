import { describe, expect, it } from "vitest";
import { ACCOUNT_ID, KEY_ID } from "../support/ids";
import { MOCK_KEY, mockEngine, valueOf } from "../support/mocks";

// Pulumi's wire marker for a secret value.
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

describe("examples/wiring with mocks", () => {
  it("binds the looked-up uid as TURN_KEY_ID beside the key's token as a secret binding", async () => {
    const seen = mockEngine("turn-key-wiring", { accountId: ACCOUNT_ID, turnKeyId: KEY_ID, turnKeyApiToken: "turn-key-secret" });
    const program = await import("../../examples/wiring/index.js");
    expect(await valueOf(program.turnKeyUid!)).toBe(KEY_ID);
    expect(await valueOf(program.turnKeyName!)).toBe(MOCK_KEY.name);
    expect(await valueOf(program.workerScriptName!)).toBe("realtime-ice-servers");

    const lookup = seen.find((r) => r.type === "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup");
    expect(lookup?.id).toBe(KEY_ID);
    const worker = seen.find((r) => r.type === "cloudflare:index/workersScript:WorkersScript");
    expect(worker).toBeDefined();
    expect(worker!.inputs.accountId).toBe(ACCOUNT_ID);
    // The token makes the bindings list a secret as a whole: Pulumi's secret wrapper around the value.
    expect(worker!.inputs.bindings).toEqual({
      [SECRET_SIG_KEY]: SECRET_SIG,
      value: [
        { name: "TURN_KEY_ID", type: "plain_text", text: KEY_ID },
        { name: "TURN_KEY_API_TOKEN", type: "secret_text", text: "turn-key-secret" },
      ],
    });
    expect(worker!.inputs.content).toContain("env.TURN_KEY_ID");
  });
});
