// The Automation API: one host process runs inline programs of two stacks,
// one after another and at the same time, each with its own token and its
// own emulator (which accepts only that token). Every run must read through
// its own stack's settings, see changes made since an earlier run, and warn
// about its own clear-text token; the host must not accumulate handles.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { type AutomationHost, type Holdings, type RunResult, type StackSettings, alternatingPreviews, startAutomationHost } from "../support/automationHost";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 300_000;
const TOKEN_B = "token-of-stack-b-0d6f1e2a9c";

let emulatorA: RunningEmulator;
let emulatorB: RunningEmulator;
let host: AutomationHost;
let a: StackSettings;
let b: StackSettings;
/** What the host held before any run. */
let baseline: Holdings;

function clearTextWarning(stack: string): string {
  return `cloudflare:apiToken is stored in the stack config in clear text (Pulumi.${stack}.yaml, which is usually committed). Store it encrypted instead: pulumi config set --secret cloudflare:apiToken <token>`;
}

/** The values a run of stack `a` or `b` must have read: each from its own emulator. */
function expectOwnValues(result: RunResult, name: string, listed: string[], withResource: boolean): void {
  expect(result.error).toBeUndefined();
  expect(result.ok).toBe(true);
  expect(result.outputs).toEqual({ functionName: name, listed, ...(withResource ? { resourceName: name } : {}) });
}

describe.skipIf(!cliDir)("the Automation API: many stacks in one process", () => {
  beforeAll(async () => {
    // Same account and key ids, different names: a run that read the other stack's emulator would show the other name.
    emulatorA = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "key-of-a" }] } });
    emulatorB = await startEmulator({
      token: TOKEN_B,
      seed: {
        keys: [
          { accountId: ACCOUNT_ID, uid: KEY_ID, name: "key-of-b" },
          { accountId: ACCOUNT_ID, name: "second-of-b" },
        ],
      },
    });
    a = { accountId: ACCOUNT_ID, keyId: KEY_ID, baseUrl: emulatorA.url, apiToken: CANARY_TOKEN, tokenSecret: true, withResource: true };
    b = { accountId: ACCOUNT_ID, keyId: KEY_ID, baseUrl: emulatorB.url, apiToken: TOKEN_B, tokenSecret: false, withResource: true };

    host = await startAutomationHost(cliDir!);
    baseline = await host.holdings();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    host?.stop();
    await Promise.all([emulatorA?.close(), emulatorB?.close()]);
  });

  it(
    "runs one after another: every form of each stack reads through its own token and base URL",
    async () => {
      const [first, second, third] = await host.runs([
        { op: "up", stack: "a", settings: a },
        { op: "up", stack: "b", settings: b },
        { op: "up", stack: "a", settings: a },
      ]);
      expectOwnValues(first!, "key-of-a", ["key-of-a"], true);
      expectOwnValues(second!, "key-of-b", ["key-of-b", "second-of-b"], true);
      expectOwnValues(third!, "key-of-a", ["key-of-a"], true);
      // Each emulator accepts only its own token: nothing was refused, and each was asked.
      for (const emulator of [emulatorA, emulatorB]) {
        expect(emulator.requests.length).toBeGreaterThan(0);
        expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
      }
      // The token in clear is stack b's: its run warns, naming its own config file; stack a's runs do not.
      expect(second!.output).toContain(clearTextWarning("b"));
      expect(first!.output).not.toContain("clear text");
      expect(third!.output).not.toContain("clear text");
      for (const r of [first, second, third]) {
        expect(r!.output).not.toContain(CANARY_TOKEN);
        expect(r!.output).not.toContain(TOKEN_B);
      }
    },
    E2E_TIMEOUT,
  );

  it(
    "runs at the same time: each still reads its own, and b warns in this run too",
    async () => {
      emulatorA.reset();
      emulatorB.reset();
      const results = await host.runs(
        [
          { op: "up", stack: "a", settings: a },
          { op: "up", stack: "b", settings: b },
        ],
        true,
      );
      expectOwnValues(results[0]!, "key-of-a", ["key-of-a"], true);
      expectOwnValues(results[1]!, "key-of-b", ["key-of-b", "second-of-b"], true);
      expect(results[1]!.output).toContain(clearTextWarning("b"));
      expect(results[0]!.output).not.toContain("clear text");
      expect([...emulatorA.requests, ...emulatorB.requests].every((r) => r.status === 200)).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    "a later run sees a key renamed since the earlier run, in the function and the resource form",
    async () => {
      emulatorA.store.rename(ACCOUNT_ID, KEY_ID, "renamed-key-of-a");
      const [result] = await host.runs([{ op: "up", stack: "a", settings: a }]);
      expectOwnValues(result!, "renamed-key-of-a", ["renamed-key-of-a"], true);
    },
    E2E_TIMEOUT,
  );

  it(
    "holds no socket after its runs that it did not hold before any, and neither handles nor heap grow with more runs",
    async () => {
      const previews = (n: number) => alternatingPreviews(n, { ...a, withResource: false }, { ...b, withResource: false });
      const results = await host.runs(previews(4));
      expect(results.every((r) => r.ok)).toBe(true);
      const after4 = await host.holdings();
      const more = await host.runs(previews(12));
      expect(more.every((r) => r.ok)).toBe(true);
      const after16: Holdings = await host.holdings();
      console.log(`host holdings before any run: ${JSON.stringify(baseline)}; after 4 more: ${JSON.stringify(after4)}; after 16: ${JSON.stringify(after16)}`);
      const total = (h: Holdings) => Object.values(h.kinds).reduce((x, y) => x + y, 0);
      // No socket kept from any run's lookups: as many as before the first run.
      expect(after16.kinds.TCPSocketWrap ?? 0).toBeLessThanOrEqual(baseline.kinds.TCPSocketWrap ?? 0);
      // Nothing else piles up run after run.
      expect(total(after16)).toBeLessThanOrEqual(total(after4));
      // Twelve more runs leave the heap (after a full collection) within 10 MiB of where four left it: no run's state is kept.
      expect(after16.heapUsed - after4.heapUsed).toBeLessThan(10 * 1024 * 1024);
    },
    E2E_TIMEOUT,
  );
});
