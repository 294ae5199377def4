// `npm run bench:automation [-- --runs N]`: what an Automation API host
// process holds after many inline-program runs, against after 10. Two stacks
// with their own tokens and emulators alternate, each run a `pulumi preview`
// with function-form lookups; after each batch the host waits for idle
// connections to close, collects garbage, and reports its active handles
// by kind and its heap. Default 200 runs.
import { startEmulator } from "../emulator";
import { findCliDir } from "../test/e2e/harness";
import { type Holdings, type StackSettings, alternatingPreviews, startAutomationHost } from "../test/support/automationHost";

const ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const KEY_ID = "2a95132c15732412d22c1476fa83f27a";
const FIRST = 10;
const runsArg = process.argv.indexOf("--runs");
const TOTAL = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 200;

function describeHoldings(program: string, after: string, h: Holdings): string {
  const kinds = Object.entries(h.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return `| ${program} | ${after} | ${kinds || "none"} | ${(h.heapUsed / 1024 / 1024).toFixed(1)} MiB |`;
}

async function main(): Promise<void> {
  const cliDir = findCliDir();
  if (!cliDir) throw new Error("no Pulumi CLI: run `npm run pulumi -- version` first");
  const emulators = await Promise.all(
    ["a", "b"].map((s) => startEmulator({ token: `token-${s}`, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: `key-of-${s}` }] } })),
  );
  const settings = emulators.map((e, i): StackSettings => ({
    accountId: ACCOUNT_ID,
    keyId: KEY_ID,
    baseUrl: e.url,
    apiToken: `token-${"ab"[i]}`,
    tokenSecret: true,
    withResource: false,
  }));
  try {
    console.log(`Automation API host, ${TOTAL} previews of two stacks in one process (Node.js ${process.version}):\n`);
    console.log("| program | after | active handles | heap used (after GC) |\n|---|---|---|---|");
    // The same host without lookups first: what the SDK and engine runs themselves leave.
    for (const withoutLookups of [true, false]) {
      const [a, b] = settings.map((s) => ({ ...s, withoutLookups }));
      const label = withoutLookups ? "no lookups (baseline)" : "function lookups";
      const { early, late } = await measure(cliDir, a!, b!, label);
      console.log(describeHoldings(label, `${FIRST} runs`, early));
      console.log(describeHoldings(label, `${TOTAL} runs`, late));
    }
    console.log(
      `\nrequests: ${emulators.map((e) => e.requests.length).join(" + ")}, every one answered 200: ${emulators.every((e) => e.requests.every((r) => r.status === 200))}`,
    );
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
}

/** Runs {@link TOTAL} previews in one new host, reporting what it holds after {@link FIRST} and after all. */
async function measure(cliDir: string, a: StackSettings, b: StackSettings, label: string): Promise<{ early: Holdings; late: Holdings }> {
  const host = await startAutomationHost(cliDir);
  try {
    const started = Date.now();
    const batch = async (n: number) => {
      const results = await host.runs(alternatingPreviews(n, a, b));
      const failed = results.find((r) => !r.ok);
      if (failed) throw new Error(`a run failed: ${failed.error}\n${failed.output}`);
    };
    await batch(FIRST);
    const early = await host.holdings();
    for (let done = FIRST; done < TOTAL; done += 10) {
      await batch(Math.min(10, TOTAL - done));
      process.stderr.write(`[bench] ${label}: ${Math.min(done + 10, TOTAL)} of ${TOTAL} runs, ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
    return { early, late: await host.holdings() };
  } finally {
    host.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
