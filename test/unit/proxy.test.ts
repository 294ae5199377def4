// The plain client behind a proxy, over real loopback servers: a recording
// CONNECT proxy, the emulator, and a TLS front with a private CA. A client
// that must trust that CA runs in a child process, since Node.js reads
// NODE_EXTRA_CA_CERTS only at start.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { CloudflareConnectionError, TurnKeyInputError, createTurnKeyClient } from "../../provider/lookupClient";
import { PROXY_ENV, proxyFor } from "../../provider/client/proxy";

import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { type PrivateCa, type RecordingProxy, type TlsFront, closedPort, makePrivateCa, startRecordingProxy, startTlsFront } from "../support/network";
import { REPO } from "../support/packed";

const SEEDED = { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app" };
const PROXY_PASSWORD = "proxy-pass-7c41d9e2";

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let ca: PrivateCa;
let front: TlsFront;

beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED] } });
  proxy = await startRecordingProxy();
  ca = makePrivateCa();
  front = await startTlsFront(emulator.url, ca);
});
afterAll(async () => {
  await Promise.all([emulator?.close(), proxy?.close(), front?.close()]);
  ca?.remove();
});

/** One lookup of the seeded key with the client's own agent, reading the proxy variables from `env` only. */
async function lookupWith(env: NodeJS.ProcessEnv, baseUrl = emulator.url, options: { timeoutMs?: number; maxRetries?: number } = {}) {
  const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl, env, ...options });
  try {
    return await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }).then(
      (key) => ({ key, error: undefined }),
      (error: unknown) => ({ key: undefined, error: error as Error }),
    );
  } finally {
    await client.close();
  }
}

function targetOf(url: string): string {
  return new URL(url).host;
}

/**
 * Fails if a request that reached the API carried the proxy's credentials:
 * a `Proxy-Authorization` header at all, or the password in any encoding
 * (plain, percent-encoded, or inside Basic credentials' base64).
 */
function expectNoProxyCredentialsAtTheApi(user: string, password: string): void {
  expect(emulator.requests.length).toBeGreaterThan(0);
  const encodings = [password, encodeURIComponent(password), Buffer.from(`${user}:${password}`).toString("base64"), Buffer.from(password).toString("base64")];
  for (const request of emulator.requests) {
    expect(Object.keys(request.headers).map((h) => h.toLowerCase())).not.toContain("proxy-authorization");
    for (const encoded of encodings) expect(JSON.stringify(request)).not.toContain(encoded);
  }
}

describe("which proxy the environment names, as undici's EnvHttpProxyAgent reads it", () => {
  const https = new URL("https://api.cloudflare.com/client/v4");
  const http = new URL("http://127.0.0.1:8787/client/v4");
  // Each row: the origin, the proxy variables (p:1 and q:2 stand for two proxies), the variable our reading picks.
  const rows: [string, URL, Record<string, string>, string | undefined][] = [
    ["HTTPS_PROXY for https", https, { HTTPS_PROXY: "http://p:1" }, "HTTPS_PROXY"],
    ["https_proxy before HTTPS_PROXY", https, { https_proxy: "http://p:1", HTTPS_PROXY: "http://q:2" }, "https_proxy"],
    ["the http proxy serves https when no https one is set", https, { HTTP_PROXY: "http://p:1" }, "HTTP_PROXY"],
    [
      "an empty https_proxy hides HTTPS_PROXY, and the http one serves",
      https,
      { https_proxy: "", HTTPS_PROXY: "http://q:2", http_proxy: "http://p:1" },
      "http_proxy",
    ],
    ["HTTP_PROXY for http", http, { HTTP_PROXY: "http://p:1" }, "HTTP_PROXY"],
    ["HTTPS_PROXY is not for http", http, { HTTPS_PROXY: "http://p:1" }, undefined],
    ["NO_PROXY lists the host", https, { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com, api.cloudflare.com" }, undefined],
    ["no_proxy before NO_PROXY", https, { HTTPS_PROXY: "http://p:1", no_proxy: "other.com", NO_PROXY: "api.cloudflare.com" }, "HTTPS_PROXY"],
    ["a leading dot matches subdomains", https, { HTTPS_PROXY: "http://p:1", NO_PROXY: ".cloudflare.com" }, undefined],
    ["*. matches subdomains", https, { HTTPS_PROXY: "http://p:1", NO_PROXY: "*.cloudflare.com" }, undefined],
    ["a port must match", http, { HTTP_PROXY: "http://p:1", NO_PROXY: "127.0.0.1:9999" }, "HTTP_PROXY"],
    ["with its port", http, { HTTP_PROXY: "http://p:1", NO_PROXY: "127.0.0.1:8787" }, undefined],
    ["* turns the proxy off", https, { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }, undefined],
    ["nothing set: direct", https, {}, undefined],
  ];
  it.each(rows)("%s", (_title, url, env, variable) => {
    expect(proxyFor(url, env)?.variable).toBe(variable);
  });

  describe("each row through undici's own EnvHttpProxyAgent takes the route ours takes", () => {
    let p: RecordingProxy;
    let q: RecordingProxy;
    let closed: number;
    beforeAll(async () => {
      [p, q, closed] = await Promise.all([startRecordingProxy(), startRecordingProxy(), closedPort()]);
    });
    afterAll(async () => {
      await Promise.all([p?.close(), q?.close()]);
    });

    it.each(rows)("%s", async (_title, url, table, variable) => {
      // The two stand-ins become two real recording proxies; the http origin, a port where nothing listens.
      const real = (v: string) => v.replace("http://p:1", p.url).replace("http://q:2", q.url).replaceAll("8787", String(closed));
      const env = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, real(v)]));
      const origin = new URL(real(url.href));
      const saved = Object.fromEntries(PROXY_ENV.map((k) => [k, process.env[k]]));
      for (const k of PROXY_ENV) delete process.env[k];
      Object.assign(process.env, env);
      p.connects.length = 0;
      q.connects.length = 0;
      const { EnvHttpProxyAgent, request } = await import("undici");
      const agent = new EnvHttpProxyAgent({ connect: { timeout: 5_000 } });
      try {
        await request(origin, { dispatcher: agent, headersTimeout: 5_000 }).catch(() => undefined);
      } finally {
        await agent.close();
        for (const k of PROXY_ENV) delete process.env[k];
        for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
      }
      // undici's route: the proxy that saw the CONNECT, or none (direct).
      const undiciRoute = p.connects.length > 0 ? p.url : q.connects.length > 0 ? q.url : undefined;
      expect(p.connects.length + q.connects.length).toBeLessThanOrEqual(1);
      const ours = proxyFor(origin, env);
      expect(ours ? `http://${ours.address}` : undefined).toBe(undiciRoute);
      expect(ours?.variable).toBe(variable);
    });
  });

  it("names the proxy by host and port, and keeps its credentials as secrets", () => {
    const route = proxyFor(https, { HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@proxy.corp:3128` })!;
    expect(route.address).toBe("proxy.corp:3128");
    expect(route.secrets).toContain(PROXY_PASSWORD);
    expect(proxyFor(https, { HTTPS_PROXY: "http://proxy.corp" })!.address).toBe("proxy.corp:80");
  });

  it("refuses a malformed %-escape in the proxy's user or password before anything is sent, naming the variable, never quoting it", async () => {
    emulator.reset();
    // The plain client's default base URL is Cloudflare's, over https: HTTPS_PROXY applies.
    const client = createTurnKeyClient({ apiToken: CANARY_TOKEN, env: { HTTPS_PROXY: "http://user:%zz@127.0.0.1:1" } });
    const error: unknown = await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(TurnKeyInputError);
    expect((error as TurnKeyInputError).field).toBe("proxy");
    expect((error as Error).message).toBe(
      'HTTPS_PROXY has a malformed %-escape in its password: a "%" there must start an escape such as %40 for "@" or %25 for "%" itself; fix or unset it.',
    );
    expect((error as Error).message).not.toContain("%zz");
    const { error: inUser } = await lookupWith({ HTTP_PROXY: "http://us%zzer:pass@127.0.0.1:1" });
    expect(inUser).toBeInstanceOf(TurnKeyInputError);
    expect(inUser!.message).toContain("HTTP_PROXY has a malformed %-escape in its user name");
    expect(inUser!.message).not.toContain("%zz");
    expect(emulator.requests).toHaveLength(0);
  });

  it("refuses a proxy port out of range, naming the variable and the port", async () => {
    const { error } = await lookupWith({ HTTP_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:88888` });
    expect(error).toBeInstanceOf(TurnKeyInputError);
    expect(error!.message).toBe("HTTP_PROXY names the port 88888, which is out of range: a port is 1 to 65535; fix or unset it.");
    expect(error!.message).not.toContain(PROXY_PASSWORD);
    const { error: zero } = await lookupWith({ HTTP_PROXY: "http://127.0.0.1:0" });
    expect(zero!.message).toBe("HTTP_PROXY names the port 0, which is out of range: a port is 1 to 65535; fix or unset it.");
  });

  it("refuses a proxy value that is not a URL before anything is sent, without quoting it", async () => {
    emulator.reset();
    const { error } = await lookupWith({ HTTP_PROXY: `//user:${PROXY_PASSWORD}@proxy.corp:3128` });
    expect(error).toBeInstanceOf(TurnKeyInputError);
    expect(error!.message).toBe("HTTP_PROXY is not an absolute URL such as http://proxy.example.com:3128; fix or unset it.");
    const { error: scheme } = await lookupWith({ HTTP_PROXY: `user:${PROXY_PASSWORD}@proxy.corp:3128` });
    expect(scheme!.message).toBe('HTTP_PROXY must be an http:// or https:// proxy URL such as http://proxy.example.com:3128; its scheme is "user:".');
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("the plain client's own agent behind a proxy", () => {
  it("HTTP_PROXY carries an http base URL through the proxy (CONNECT seen)", async () => {
    proxy.connects.length = 0;
    emulator.reset();
    const { key, error } = await lookupWith({ HTTP_PROXY: proxy.url });
    expect(error).toBeUndefined();
    expect(key!.name).toBe(SEEDED.name);
    expect(proxy.connects.map((c) => c.target)).toEqual([targetOf(emulator.url)]);
    expect(emulator.requests).toHaveLength(1);
  });

  it("the lower-case http_proxy works too", async () => {
    proxy.connects.length = 0;
    const { key } = await lookupWith({ http_proxy: proxy.url });
    expect(key!.uid).toBe(KEY_ID);
    expect(proxy.connects.map((c) => c.target)).toEqual([targetOf(emulator.url)]);
  });

  it("NO_PROXY sends the host direct", async () => {
    proxy.connects.length = 0;
    emulator.reset();
    const { key } = await lookupWith({ HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
    expect(key!.uid).toBe(KEY_ID);
    expect(proxy.connects).toHaveLength(0);
    expect(emulator.requests).toHaveLength(1);
  });

  it("no proxy variable: direct, as before", async () => {
    proxy.connects.length = 0;
    const { key } = await lookupWith({});
    expect(key!.uid).toBe(KEY_ID);
    expect(proxy.connects).toHaveLength(0);
  });

  it("retries through the proxy exactly as without one", async () => {
    proxy.connects.length = 0;
    emulator.reset();
    emulator.addFaults([
      { path: `/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`, method: "GET", steps: [{ status: 503, body: "busy" }, { passthrough: true }] },
    ]);
    const { key } = await lookupWith({ HTTP_PROXY: proxy.url });
    expect(key!.uid).toBe(KEY_ID);
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1);
    expect(proxy.connects.every((c) => c.target === targetOf(emulator.url))).toBe(true);
  });

  it("an unreachable proxy is a CloudflareConnectionError naming the proxy and its variable, not baseUrl", async () => {
    const port = await closedPort();
    emulator.reset();
    const { error } = await lookupWith({ HTTP_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:${port}` }, emulator.url, { maxRetries: 1 });
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect(error!.message).toBe(
      `Could not reach the Cloudflare API at ${new URL(emulator.url).origin} through the proxy 127.0.0.1:${port} (from HTTP_PROXY) (ECONNREFUSED) after 2 attempts ` +
        `(account ${ACCOUNT_ID}, key ${KEY_ID}). Check that the proxy 127.0.0.1:${port} is running and reachable, fix HTTP_PROXY, or list the API's host in NO_PROXY to go direct.`,
    );
    expect(error!.message).not.toContain("baseUrl");
    expect(error!.message).not.toContain(PROXY_PASSWORD);
    expect(emulator.requests).toHaveLength(0);
  });

  it.each([407, 401] as const)("a %i to CONNECT says the proxy refused the credentials, is not retried, and never shows them", async (refuseWith) => {
    const guarded = await startRecordingProxy({ user: "user", password: "right-password", refuseWith });
    try {
      const wrong = `http://user:${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`;
      const { error } = await lookupWith({ HTTP_PROXY: wrong });
      expect(error).toBeInstanceOf(CloudflareConnectionError);
      expect(error!.message).toBe(
        `Proxy authentication failed: the proxy 127.0.0.1:${guarded.port} (from HTTP_PROXY) refused the credentials in HTTP_PROXY; ` +
          `it answered HTTP ${refuseWith} to the tunnel to ${new URL(emulator.url).origin} ` +
          `(account ${ACCOUNT_ID}, key ${KEY_ID}). Check the user name and password in HTTP_PROXY (http://user:password@host:port).`,
      );
      expect((error as CloudflareConnectionError).attempts).toBe(1);
      expect(guarded.connects.map((c) => c.status)).toEqual([refuseWith]);
      // The proxy did get them, as Basic credentials.
      expect(guarded.connects[0]!.proxyAuthorization).toBe(`Basic ${Buffer.from(`user:${PROXY_PASSWORD}`).toString("base64")}`);

      emulator.reset();
      const { key } = await lookupWith({ HTTP_PROXY: `http://user:right-password@127.0.0.1:${guarded.port}` });
      expect(key!.uid).toBe(KEY_ID);
      expectNoProxyCredentialsAtTheApi("user", "right-password");
    } finally {
      await guarded.close();
    }
  });

  it("a TLS failure from an unknown issuer says to set NODE_EXTRA_CA_CERTS", async () => {
    // This process does not trust the test's private CA.
    const { error } = await lookupWith({ HTTPS_PROXY: proxy.url }, front.url);
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect(error!.message).toContain(`through the proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY)`);
    expect(error!.message).toContain("Set NODE_EXTRA_CA_CERTS to a PEM file with that CA's certificate.");
  });
});

/** Runs one lookup of the built plain client in a child process with `env` (and the private CA trusted). */
function lookupInChild(env: NodeJS.ProcessEnv): Promise<{ key?: { name: string }; error?: { name: string; message: string } }> {
  const script = `
    const { createTurnKeyClient } = require(${JSON.stringify(path.join(REPO, "dist/provider/lookupClient.js"))});
    const client = createTurnKeyClient({ apiToken: process.env.TOKEN, baseUrl: process.env.BASE_URL });
    client.getTurnKey({ accountId: ${JSON.stringify(ACCOUNT_ID)}, keyId: ${JSON.stringify(KEY_ID)} }).then(
      (key) => console.log(JSON.stringify({ key })),
      (e) => console.log(JSON.stringify({ error: { name: e.name, message: e.message } })),
    ).finally(() => client.close());`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script],
      { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: ca.caFile, TOKEN: CANARY_TOKEN, BASE_URL: front.url, ...env } },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as { key?: { name: string } })),
    );
  });
}

describe("the plain client behind a proxy, to an https base URL (process environment)", () => {
  it.each(["HTTPS_PROXY", "https_proxy"])("%s tunnels to the https base URL with CONNECT", async (variable) => {
    proxy.connects.length = 0;
    const result = await lookupInChild({ [variable]: proxy.url });
    expect(result.key?.name).toBe(SEEDED.name);
    expect(proxy.connects.map((c) => c.target)).toEqual([`127.0.0.1:${front.port}`]);
  });

  it("NO_PROXY bypasses it", async () => {
    proxy.connects.length = 0;
    const result = await lookupInChild({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
    expect(result.key?.name).toBe(SEEDED.name);
    expect(proxy.connects).toHaveLength(0);
  });

  it("a proxy URL with credentials sends them to the proxy only, and an error never shows them", async () => {
    proxy.connects.length = 0;
    emulator.reset();
    const result = await lookupInChild({ HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` });
    expect(result.key?.name).toBe(SEEDED.name);
    expect(proxy.connects[0]!.proxyAuthorization).toBe(`Basic ${Buffer.from(`user:${PROXY_PASSWORD}`).toString("base64")}`);
    // The API never sees the proxy's credentials, through the tunnel or otherwise.
    expectNoProxyCredentialsAtTheApi("user", PROXY_PASSWORD);
    const port = await closedPort();
    const failed = await lookupInChild({ HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:${port}` });
    expect(failed.error?.name).toBe("CloudflareConnectionError");
    expect(failed.error?.message).toContain(`through the proxy 127.0.0.1:${port} (from HTTPS_PROXY)`);
    expect(failed.error?.message).not.toContain(PROXY_PASSWORD);
  }, 30_000);
});
