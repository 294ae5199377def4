// Behind a company proxy, under the real engine: the program process (a
// function lookup) and the dynamic-provider process (a TurnKeyLookup) both
// reach the API through the proxy the environment names. The API is the
// emulator behind a TLS front whose private CA the test makes and gives to
// Node.js as NODE_EXTRA_CA_CERTS, as a company gives its own.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { type PrivateCa, type RecordingProxy, type TlsFront, closedPort, makePrivateCa, startRecordingProxy, startTlsFront } from "../support/network";
import { REPO } from "../support/packed";
import { Workspace, findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 240_000;
const NAME = "production-realtime-app";

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let ca: PrivateCa;
let front: TlsFront;
let ws: Workspace;

/** Runs `pulumi up` with `env` and returns the stack's outputs, failing with everything printed. */
async function upWith(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const r = await ws.run(["up", "--yes", "--skip-preview"], { env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...env } });
  if (r.code !== 0) throw new Error(`pulumi up exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(await ws.ok(["stack", "output", "--json"])) as Record<string, string>;
}

/** The CONNECTs the proxy opened to `host:port` of `url`. */
function connectsTo(url: string): number {
  return proxy.connects.filter((c) => c.target === new URL(url).host && c.status === 200).length;
}

describe.skipIf(!cliDir)("behind a proxy, under the real Pulumi engine", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: NAME }] } });
    proxy = await startRecordingProxy();
    ca = makePrivateCa();
    front = await startTlsFront(emulator.url, ca);
    ws = Workspace.create("turn-proxied", path.join(REPO, "test/e2e/stacks/proxied/index.ts"), cliDir!);
    await ws.initStack("dev", { accountId: ACCOUNT_ID, keyId: KEY_ID, "cloudflare:baseUrl": front.url }, { "cloudflare:apiToken": CANARY_TOKEN });
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await Promise.all([emulator?.close(), proxy?.close(), front?.close()]);
    ca?.remove();
  });

  // Which variable names the proxy (letter case, NO_PROXY, HTTP_PROXY for http) is the client's, tested in test/unit/proxy.test.ts; here, that both processes use it.
  it(
    "HTTPS_PROXY: the function lookup and the TurnKeyLookup both reach the https base URL through the proxy (CONNECT seen)",
    async () => {
      proxy.connects.length = 0;
      const connectionsBefore = front.connections();
      const outputs = await upWith({ HTTPS_PROXY: proxy.url });
      expect(outputs).toEqual({ functionName: NAME, resourceName: NAME });
      // Two processes, one connection each, and every connection the API got came through the proxy.
      const connections = front.connections() - connectionsBefore;
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(connectsTo(front.url)).toBe(connections);
    },
    E2E_TIMEOUT,
  );

  // One form per preview: the engine ends a preview at its first error, so
  // two failing forms in one preview race to be reported.
  it.each([
    ["function", /pulumi:pulumi:Stack [^\n]*error: Could not reach the Cloudflare API [^\n]* through the proxy/],
    ["resource", /TurnKeyLookup through-proxy [^\n]*error: Preview failed: Could not reach the Cloudflare API [^\n]* through the proxy/],
  ] as const)(
    "an unreachable proxy fails the preview of the %s form with a message naming the proxy and its variable, never its password",
    async (only, row) => {
      const port = await closedPort();
      const password = "proxy-secret-4b1e8d";
      await ws.ok(["config", "set", "only", only]);
      try {
        const r = await ws.run(["preview"], { env: { NODE_EXTRA_CA_CERTS: ca.caFile, HTTPS_PROXY: `http://ops:${password}@127.0.0.1:${port}` } });
        const printed = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        expect(printed).toContain(
          `Could not reach the Cloudflare API at ${new URL(front.url).origin} through the proxy 127.0.0.1:${port} (from HTTPS_PROXY) (ECONNREFUSED) after 4 attempts`,
        );
        expect(printed).toContain(
          `Check that the proxy 127.0.0.1:${port} is running and reachable, fix HTTPS_PROXY, or list the API's host in NO_PROXY to go direct.`,
        );
        // The function fails in the program (the stack's row), the read in the provider (its own row).
        expect(printed).toMatch(row);
        expect(printed).not.toContain(password);
        expect(printed).not.toMatch(/^\s+at /m);
      } finally {
        await ws.ok(["config", "rm", "only"]);
      }
    },
    E2E_TIMEOUT,
  );
});
