import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { lookupProvider } from "../../provider/pulumi/dynamicProvider";
import { TurnKeyAmbiguousError, TurnKeyInputError, TurnKeyLookupError, TurnKeyNotFoundError } from "../../provider/core/errors";
import { ProviderHost } from "../../provider/pulumi/providerHost";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { installPacked } from "../support/packed";
import { until } from "../support/until";
import { ProviderProcess, serializeProvider } from "../support/providerProcess";

const SEEDED = { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" };
const OUTPUTS = { accountId: ACCOUNT_ID, keyId: KEY_ID, name: SEEDED.name, uid: KEY_ID, created: SEEDED.created, modified: SEEDED.modified };
/** What the serialized provider, stored twice in every lookup's state, may take. */
const MAX_SERIALIZED_BYTES = 1_400;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED] } });
});
afterAll(() => emulator.close());

function configRequest(values: Record<string, string>): dynamic.ConfigureRequest {
  return { config: { get: (k: string) => values[k], require: (k: string) => values[k]! } } as unknown as dynamic.ConfigureRequest;
}

const host = new ProviderHost();

describe("provider host (in process)", () => {
  it("read uses the stack config's token and base URL and returns the key's fields", async () => {
    await host.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url }));
    const result = await host.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(result).toEqual({ id: KEY_ID, props: OUTPUTS });
    expect(JSON.stringify(result)).not.toContain(CANARY_TOKEN);
    // The same key again is served from the process-wide cache.
    await host.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(emulator.requests.filter((r) => r.method === "GET")).toHaveLength(1);
  });

  it("read of a missing key fails with TurnKeyNotFoundError, never an empty result", async () => {
    await expect(host.readKey(OTHER_KEY_ID, { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID })).rejects.toBeInstanceOf(TurnKeyNotFoundError);
  });

  it("read with an account id unknown in preview (sent missing, or as the unknown marker) leaves the fields out, without a request", async () => {
    const before = emulator.requests.length;
    expect(await host.readKey(KEY_ID, { accountId: unknownValue, keyId: KEY_ID })).toEqual({ id: KEY_ID, props: { keyId: KEY_ID } });
    expect(await host.readKey(KEY_ID, { keyId: KEY_ID })).toEqual({ id: KEY_ID, props: { keyId: KEY_ID } });
    expect(emulator.requests.length).toBe(before);
  });

  it("read refuses a key id that differs from the resource id", async () => {
    await expect(host.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID })).rejects.toBeInstanceOf(TurnKeyInputError);
  });

  it("configure applies turnKeyLookup:* request limits and refuses malformed ones", async () => {
    const limited = new ProviderHost();
    await limited.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "turnKeyLookup:maxConcurrency": "4", "turnKeyLookup:burst": "50" }));
    expect(limited.limits).toEqual({ maxConcurrency: 4, burst: 50, requestsPerInterval: 1200, intervalMs: 300_000 });
    // A bad limit does not fail configure (the SDK would print it with a stack trace): each read reports it, before any request.
    const before = emulator.requests.length;
    await limited.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "turnKeyLookup:burst": "lots" }));
    await expect(limited.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID })).rejects.toThrow(
      /^turnKeyLookup:burst must be a whole number; got "lots"\.$/,
    );
    await expect(limited.readKeys("turn_keys", { accountId: ACCOUNT_ID })).rejects.toBeInstanceOf(TurnKeyInputError);
    await limited.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "turnKeyLookup:burst": "0" }));
    await expect(limited.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID })).rejects.toThrow(/^turnKeyLookup:burst must be a whole number; got "0"\.$/);
    expect(emulator.requests.length).toBe(before);
    // A good configuration afterwards serves reads again.
    await limited.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url }));
    expect((await limited.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID })).props).toEqual(OUTPUTS);
  });

  it("a near miss of a config key is named in the missing-credential error, without its value", async () => {
    const typo = new ProviderHost();
    const config = configRequest({ "cloudflare:apitoken": CANARY_TOKEN });
    (config.config as unknown as { rawConfig: Record<string, string> }).rawConfig = { "cloudflare:apitoken": CANARY_TOKEN };
    await typo.configure(config);
    const err: unknown = await typo.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TurnKeyInputError);
    const { message } = err as Error;
    expect(message).toMatch(/^No Cloudflare credential found: set the stack secret cloudflare:apiToken /);
    expect(message).toContain("cloudflare:apitoken is set, but cloudflare:apiToken is not: did you mean cloudflare:apiToken?");
    expect(message).not.toContain(CANARY_TOKEN);
  });

  it("a second configure with the same config keeps the client and its cache", async () => {
    const before = emulator.requests.length;
    await host.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url }));
    await host.readKey(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(emulator.requests.length).toBe(before);
  });

  it("reads by name and lists an account, sharing one list request, with the key's fields", async () => {
    emulator.reset();
    const byName = await host.readKey("name:production-realtime-app", { accountId: ACCOUNT_ID, name: "production-realtime-app" });
    expect(byName).toEqual({ id: "name:production-realtime-app", props: OUTPUTS });
    const list = await host.readKeys("turn_keys", { accountId: ACCOUNT_ID });
    expect(list).toEqual({
      id: "turn_keys",
      props: { accountId: ACCOUNT_ID, keys: [{ name: SEEDED.name, uid: KEY_ID, created: SEEDED.created, modified: SEEDED.modified }] },
    });
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`]);
  });

  it("a name that matches nothing or several keys fails clearly; an unknown account sends nothing", async () => {
    const other = new ProviderHost();
    await other.configure(configRequest({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url }));
    emulator.store.put({ accountId: ACCOUNT_ID, uid: OTHER_KEY_ID, name: "twin" });
    emulator.store.put({ accountId: ACCOUNT_ID, uid: "00000000000000000000000000000abc", name: "twin" });
    await expect(other.readKey("name:nope", { accountId: ACCOUNT_ID, name: "nope" })).rejects.toBeInstanceOf(TurnKeyNotFoundError);
    const ambiguous = await other.readKey("name:twin", { accountId: ACCOUNT_ID, name: "twin" }).catch((e: unknown) => e);
    expect(ambiguous).toBeInstanceOf(TurnKeyAmbiguousError);
    expect((ambiguous as TurnKeyAmbiguousError).uids).toEqual([OTHER_KEY_ID, "00000000000000000000000000000abc"]);
    emulator.store.delete(ACCOUNT_ID, OTHER_KEY_ID);
    emulator.store.delete(ACCOUNT_ID, "00000000000000000000000000000abc");
    emulator.reset();
    expect(await other.readKey("name:x", { name: "x" })).toEqual({ id: "name:x", props: { name: "x" } });
    expect(await other.readKeys("turn_keys", {})).toEqual({ id: "turn_keys", props: {} });
    expect(emulator.requests).toEqual([]);
  });

  it("create refuses with a clear message and sends nothing", async () => {
    const before = emulator.requests.length;
    await expect(host.refuseCreate()).rejects.toThrow(/only reads an existing TURN key/);
    expect(emulator.requests.length).toBe(before);
  });
});

describe("the serialized provider", () => {
  it("is at most 1,400 bytes and holds no credential when imported by relative path", async () => {
    process.env.CLOUDFLARE_API_TOKEN = CANARY_TOKEN;
    try {
      const text = await serializeProvider(lookupProvider);
      expect(text.length).toBeLessThanOrEqual(MAX_SERIALIZED_BYTES);
      expect(text).toContain("pulumi-cloudflare-turn-lookup/internal/provider-host");
      expect(text).not.toContain(CANARY_TOKEN);
      // No delete method: the provider process then treats a delete as "forget".
      // No check either: the engine calls no Check for a read.
      expect(Object.keys(lookupProvider).sort()).toEqual(["configure", "create", "read"]);
    } finally {
      delete process.env.CLOUDFLARE_API_TOKEN;
    }
  });
});

describe("the provider through the real dynamic-provider gRPC server", () => {
  let dir: string;
  let provider: ProviderProcess;
  let installedText: string;
  let relativeText: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-grpc-"));
    installPacked(dir);
    // Serialize as a stack that installed the package does: from its node_modules.
    fs.writeFileSync(
      path.join(dir, "serialize.js"),
      `const pulumi = require("@pulumi/pulumi");
       const { lookupProvider } = require("pulumi-cloudflare-turn-lookup/internal/provider-host");
       pulumi.runtime.serializeFunction(() => lookupProvider, { allowSecrets: true }).then((sf) => process.stdout.write(sf.text));`,
    );
    installedText = execFileSync(process.execPath, ["serialize.js"], { cwd: dir, encoding: "utf8" });
    relativeText = await serializeProvider(lookupProvider);
    provider = await ProviderProcess.start(dir);
    await provider.configure({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url });
  });
  afterAll(async () => {
    await provider?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serializes to at most 1,400 bytes from the installed package too", () => {
    expect(installedText.length).toBeGreaterThan(100);
    expect(installedText.length).toBeLessThanOrEqual(MAX_SERIALIZED_BYTES);
    expect(installedText).toContain("pulumi-cloudflare-turn-lookup/internal/provider-host");
  });

  it("Read returns the key's fields with __provider kept, for both serializations", async () => {
    emulator.reset();
    for (const text of [installedText, relativeText]) {
      const result = await provider.read(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID, __provider: text });
      expect(result.id).toBe(KEY_ID);
      expect(result.props).toEqual({ ...OUTPUTS, __provider: text });
    }
    // Two deserialized providers, one process: still one GET for the key.
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`]);
    expect(emulator.requests[0]!.headers.authorization).toBe("[redacted]");
  });

  it("Read of a missing key fails with our message", async () => {
    const err = await provider.read(OTHER_KEY_ID, { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID, __provider: installedText }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("TURN key not found");
    expect((err as Error).message).toContain(OTHER_KEY_ID);
    expect((err as Error).message).toContain("HTTP 404");
  });

  it("logs each retry with its reason to the engine, never the credential", async () => {
    const fresh = "00000000000000000000000000000001";
    emulator.store.put({ accountId: ACCOUNT_ID, uid: fresh, name: "retried" });
    emulator.addFaults([
      { path: `/accounts/${ACCOUNT_ID}/calls/turn_keys/${fresh}`, steps: [{ status: 503, body: "busy", headers: { "retry-after-ms": "10" } }] },
    ]);
    const result = await provider.read(fresh, { accountId: ACCOUNT_ID, keyId: fresh, __provider: installedText });
    expect(result.props.name).toBe("retried");
    // The log line travels to the engine on its own RPC: wait for it to arrive.
    await until(
      () => provider.logs.some((l) => l.includes("retrying GET") && l.includes("HTTP 503") && l.includes(fresh)),
      "the retry line reaches the engine's log",
    );
    expect([...provider.logs, provider.output.text].join("\n")).not.toContain(CANARY_TOKEN);
  });
});

describe("expected failures through the real dynamic-provider gRPC server print nothing of their own", () => {
  let dir: string;
  let provider: ProviderProcess | undefined;
  beforeAll(() => {
    // A project with @pulumi/pulumi (the provider server) but not this package.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-sdk-only-"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.resolve(__dirname, "../../node_modules/@pulumi"), path.join(dir, "node_modules/@pulumi"));
  });
  afterAll(async () => {
    await provider?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the missing package: each read fails with the message, and the process prints neither it nor a stack", async () => {
    provider = await ProviderProcess.start(dir);
    await provider.configure({ "cloudflare:apiToken": CANARY_TOKEN });
    const text = await serializeProvider(lookupProvider);
    for (let i = 0; i < 3; i++) {
      const err = await provider.read(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID, __provider: text }).catch((e: Error) => e);
      expect((err as Error).message).toContain(`pulumi-cloudflare-turn-lookup is not installed where the dynamic provider runs (${fs.realpathSync(dir)})`);
      expect((err as Error).message).toContain("projectSettings.main");
    }
    // Absence cannot be waited for: give the process's stderr, a pipe of its own, a moment to arrive.
    await new Promise((r) => setTimeout(r, 100));
    expect(provider.output.text).not.toContain("not installed");
    expect(provider.output.text).not.toMatch(/^\s+at /m);
  });
});

describe("the serialized provider where the package is not installed", () => {
  it("fails with a TurnKeyLookupError saying where to install it, and keeps the SDK from printing it with a stack trace", async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-no-package-"));
    const cwd = process.cwd();
    const original = console.error;
    const printed: unknown[][] = [];
    console.error = (...args: unknown[]) => void printed.push(args);
    process.chdir(elsewhere);
    try {
      const err: unknown = await lookupProvider.read!(KEY_ID, { accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: unknown) => e);
      expect(TurnKeyLookupError.isInstance(err)).toBe(true);
      const { name, message, stack } = err as Error;
      expect(name).toBe("TurnKeyLookupError");
      expect(message).toBe(
        `pulumi-cloudflare-turn-lookup is not installed where the dynamic provider runs (${elsewhere}): ` +
          "install it beside @pulumi/pulumi there; under the Automation API, set workDir and projectSettings.main to that folder.",
      );
      // What the SDK's provider server prints of a failed read is dropped; anything else still prints.
      console.error(`${String(err)}: ${stack}`);
      console.error("something else");
      expect(printed).toEqual([["something else"]]);
    } finally {
      process.chdir(cwd);
      console.error = original;
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
