// One failure, read once: lookups that fail from one shared cause (a list
// request answered 401) each show the message where they fail and in the
// summary, with no stack trace, and the refused request is sent once.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import { type CliResult, Workspace, findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 240_000;
const LOOKUPS = ["first-by-name", "second-by-name", "all-keys"];

let emulator: RunningEmulator;
let ws: Workspace;

function occurrences(r: CliResult, text: string): number {
  return (r.stdout + r.stderr).split(text).length - 1;
}

/**
 * How often `lookup` shows `message`: on its progress rows (`<type> <lookup>
 * error: …`) and under its heading in the diagnostics (`<type> (<lookup>):`
 * followed by the message).
 */
function shownFor(r: CliResult, lookup: string, message: string): number {
  const lines = (r.stdout + r.stderr).split("\n");
  const onRows = lines.filter((line) => line.includes(` ${lookup} `) && line.includes(message)).length;
  let inDiagnostics = 0;
  lines.forEach((line, i) => {
    if (line.trim().endsWith(`(${lookup}):`) && lines[i + 1]?.includes(message)) inDiagnostics++;
  });
  return onRows + inDiagnostics;
}

describe.skipIf(!cliDir)("one failure shared by several lookups, under the real Pulumi engine", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app" }] } });
    ws = Workspace.create("turn-shared-failure", path.join(REPO, "test/e2e/stacks/shared-failure/index.ts"), cliDir!);
    await ws.initStack(
      "dev",
      { accountId: ACCOUNT_ID, keyName: "production-realtime-app", "cloudflare:baseUrl": emulator.url },
      { "cloudflare:apiToken": "a-wrong-token-0000" },
    );
    emulator.reset();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await emulator?.close();
  });

  it(
    "with the wrong token: each lookup shows the auth message at most twice, no stack trace, one request",
    async () => {
      const r = await ws.run(["preview"]);
      expect(r.code).not.toBe(0);
      const message = `Cloudflare refused the credential for the TURN key list (account ${ACCOUNT_ID})`;
      // Each of the three lookups shows it where it fails, and at most once more in the summary.
      for (const lookup of LOOKUPS) {
        expect(shownFor(r, lookup, message), lookup).toBeGreaterThanOrEqual(1);
        expect(shownFor(r, lookup, message), lookup).toBeLessThanOrEqual(2);
      }
      // Nothing else shows it: every occurrence belongs to one of the lookups.
      expect(occurrences(r, message)).toBe(LOOKUPS.reduce((n, lookup) => n + shownFor(r, lookup, message), 0));
      for (const lookup of LOOKUPS) expect(r.stdout).toMatch(new RegExp(`${lookup}[^\\n]*error: Preview failed: Cloudflare refused the credential`));
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+[(:]/m);
      expect(r.stdout + r.stderr).not.toContain("Error: ");
      // The refused list request is sent once for the run's three lookups.
      expect(emulator.requests.map((x) => `${x.method} ${x.status}`)).toEqual(["GET 401"]);
    },
    E2E_TIMEOUT,
  );
});
