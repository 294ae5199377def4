// The built plugin as the engine runs it: the executable from dist/plugin,
// spoken to over gRPC with the SDK's generated client, against the emulator.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { REPO } from "../support/packed";
import { until } from "../support/until";
import { engineAddress } from "../../provider/plugin/server";
import * as markers from "../../provider/plugin/markers";
import * as sdkRpc from "@pulumi/pulumi/runtime/rpc";

const PLUGIN = path.join(REPO, "dist/plugin/pulumi-resource-cloudflare-turn-lookup");
const OTHER_ACCOUNT_ID = "fedcba9876543210fedcba9876543210";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const SEEDED = { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" };

/** One plugin process and a client of it. */
class Plugin {
  private constructor(
    readonly child: ChildProcess,
    readonly client: ResourceProviderClient,
    readonly stderr: () => string,
  ) {}

  static async start(env: NodeJS.ProcessEnv = process.env): Promise<Plugin> {
    const child = spawn(PLUGIN, [], { stdio: ["ignore", "pipe", "pipe"], env });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", (code) => reject(new Error(`the plugin exited ${code}: ${err}`)));
    });
    return new Plugin(child, new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()), () => err);
  }

  /** One unary call: `send` makes it with the callback given. */
  call<Res>(send: (client: ResourceProviderClient, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => send(this.client, (err, res) => (err ? reject(err) : resolve(res))));
  }

  configure(config: Record<string, string>): Promise<rpc.ConfigureResponse> {
    const req = new rpc.ConfigureRequest().setAcceptsecrets(true);
    for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(`cloudflare-turn-lookup:config:${k}`, v);
    return this.call<rpc.ConfigureResponse>((c, cb) => c.configure(req, cb));
  }

  async invoke(tok: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const req = new rpc.InvokeRequest().setTok(tok).setArgs(Struct.fromJavaScript(args as never));
    const res = await this.call<rpc.InvokeResponse>((c, cb) => c.invoke(req, cb));
    return res.getReturn()!.toJavaScript();
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }
}

describe("the plugin process", () => {
  let emulator: RunningEmulator;
  let plugin: Plugin;

  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED, { ...SEEDED, uid: OTHER_KEY_ID, name: "staging" }] } });
    plugin = await Plugin.start({ ...process.env, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "" });
    await plugin.configure({ apiToken: CANARY_TOKEN, baseUrl: emulator.url });
  });
  afterAll(async () => {
    plugin?.stop();
    await emulator?.close();
  });
  afterEach(() => emulator.reset());

  it("reports its version and serves the checked-in schema", async () => {
    const info = await plugin.call<PluginInfo>((c, cb) => c.getPluginInfo(new Empty(), cb));
    expect(info.getVersion()).toBe("0.1.0");
    const schema = await plugin.call<rpc.GetSchemaResponse>((c, cb) => c.getSchema(new rpc.GetSchemaRequest(), cb));
    expect(JSON.parse(schema.getSchema())).toEqual(JSON.parse(fs.readFileSync(path.join(REPO, "provider/plugin/schema.json"), "utf8")));
  });

  it("serves the three functions with the TypeScript forms' results, one request per key", async () => {
    expect(await plugin.invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID })).toEqual({
      accountId: ACCOUNT_ID,
      keyId: KEY_ID,
      name: "production-realtime-app",
      uid: KEY_ID,
      created: SEEDED.created,
      modified: SEEDED.modified,
    });
    expect(await plugin.invoke("cloudflare-turn-lookup:index:lookupTurnKeyByName", { accountId: ACCOUNT_ID, name: "staging" })).toMatchObject({
      keyId: OTHER_KEY_ID,
    });
    const list = await plugin.invoke("cloudflare-turn-lookup:index:lookupTurnKeys", { accountId: ACCOUNT_ID });
    expect(list).toEqual({
      accountId: ACCOUNT_ID,
      keys: [
        { name: "production-realtime-app", uid: KEY_ID, created: SEEDED.created, modified: SEEDED.modified },
        { name: "staging", uid: OTHER_KEY_ID, created: SEEDED.created, modified: SEEDED.modified },
      ],
    });
    await plugin.invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID });
    // One GET of the key, one of the list (which the by-name lookup shared): the provider's client keeps results for its run.
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`,
      `GET /client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys`,
    ]);
    expect(emulator.requests[0]!.headers["user-agent"]).toMatch(/^pulumi-cloudflare-turn-lookup\//);
  });

  it("makes the result secret when an argument is", async () => {
    const result = await plugin.invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: { ...SECRET, value: KEY_ID } });
    expect(result.name).toEqual({ ...SECRET, value: "production-realtime-app" });
    expect(result.uid).toEqual({ ...SECRET, value: KEY_ID });
  });

  it("refuses a malformed id with one message before any request", async () => {
    const err = await plugin
      .invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: "not-a-key" })
      .catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).details).toBe(
      'keyId must be 32 lowercase hexadecimal characters, as Cloudflare issues it, but "not-a-key" has the character "n" at position 1.',
    );
    expect(emulator.requests).toEqual([]);
  });

  it("checks the resource's inputs, filling the account in; diff replaces on another key only", async () => {
    const check = (news: Record<string, unknown>) =>
      plugin.call<rpc.CheckResponse>((c, cb) => c.check(new rpc.CheckRequest().setNews(Struct.fromJavaScript(news as never)), cb));
    const ok = await check({ accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(ok.getFailuresList()).toEqual([]);
    expect(ok.getInputs()!.toJavaScript()).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
    const bad = await check({ keyId: "ABC" });
    expect(bad.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
      [
        "accountId",
        "accountId is missing (pass accountId, or set cloudflare-turn-lookup:accountId or CLOUDFLARE_ACCOUNT_ID); it must be 32 lowercase hexadecimal characters, as Cloudflare issues it.",
      ],
      [
        "keyId",
        'keyId must be 32 lowercase hexadecimal characters, as Cloudflare issues it, but "ABC" has an uppercase letter "A" (use lowercase) at position 1.',
      ],
    ]);
    const diff = (olds: object, news: object) =>
      plugin.call<rpc.DiffResponse>((c, cb) =>
        c.diff(
          new rpc.DiffRequest().setOlds(Struct.fromJavaScript({ ...SEEDED, keyId: KEY_ID, ...olds } as never)).setNews(Struct.fromJavaScript(news as never)),
          cb,
        ),
      );
    expect((await diff({}, { accountId: ACCOUNT_ID, keyId: KEY_ID })).getChanges()).toBe(rpc.DiffResponse.DiffChanges.DIFF_NONE);
    const other = await diff({}, { accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID });
    expect(other.getReplacesList()).toEqual(["keyId"]);
    expect(other.getDeletebeforereplace()).toBe(true);
    expect(emulator.requests).toEqual([]);
  });

  it("fills a missing account in from the provider's accountId, else CLOUDFLARE_ACCOUNT_ID; another account replaces the lookup", async () => {
    const checkWith = async (p: Plugin, news: Record<string, unknown>) =>
      (await p.call<rpc.CheckResponse>((c, cb) => c.check(new rpc.CheckRequest().setNews(Struct.fromJavaScript(news as never)), cb)))
        .getInputs()!
        .toJavaScript();
    const viaProvider = await Plugin.start({ ...process.env, CLOUDFLARE_ACCOUNT_ID: OTHER_ACCOUNT_ID });
    const viaEnv = await Plugin.start({ ...process.env, CLOUDFLARE_ACCOUNT_ID: OTHER_ACCOUNT_ID });
    try {
      await viaProvider.configure({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, accountId: ACCOUNT_ID });
      await viaEnv.configure({ apiToken: CANARY_TOKEN, baseUrl: emulator.url });
      // The provider's setting comes before the environment's.
      expect(await checkWith(viaProvider, { keyId: KEY_ID })).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
      expect(await checkWith(viaEnv, { keyId: KEY_ID })).toEqual({ accountId: OTHER_ACCOUNT_ID, keyId: KEY_ID });
      // An argument comes before both.
      expect(await checkWith(viaEnv, { accountId: ACCOUNT_ID, keyId: KEY_ID })).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
    } finally {
      viaProvider.stop();
      viaEnv.stop();
    }
    const diff = await plugin.call<rpc.DiffResponse>((c, cb) =>
      c.diff(
        new rpc.DiffRequest()
          .setOlds(Struct.fromJavaScript({ ...SEEDED, keyId: KEY_ID } as never))
          .setNews(Struct.fromJavaScript({ accountId: OTHER_ACCOUNT_ID, keyId: KEY_ID } as never)),
        cb,
      ),
    );
    expect(diff.getReplacesList()).toEqual(["accountId"]);
    expect(emulator.requests).toEqual([]);
  });

  it("passes values a preview does not know yet through check and create, secret marks kept, and sends nothing", async () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const check = (news: Record<string, unknown>) =>
      plugin.call<rpc.CheckResponse>((c, cb) => c.check(new rpc.CheckRequest().setNews(Struct.fromJavaScript(news as never)), cb));
    const unknownAccount = await check({ accountId: UNKNOWN, keyId: KEY_ID });
    expect(unknownAccount.getFailuresList()).toEqual([]);
    expect(unknownAccount.getInputs()!.toJavaScript()).toEqual({ accountId: UNKNOWN, keyId: KEY_ID });
    const secretUnknown = await check({ accountId: { ...SECRET, value: UNKNOWN }, keyId: { ...SECRET, value: KEY_ID } });
    expect(secretUnknown.getFailuresList()).toEqual([]);
    expect(secretUnknown.getInputs()!.toJavaScript()).toEqual({ accountId: { ...SECRET, value: UNKNOWN }, keyId: { ...SECRET, value: KEY_ID } });
    const created = await plugin.call<rpc.CreateResponse>((c, cb) =>
      c.create(new rpc.CreateRequest().setProperties(Struct.fromJavaScript({ accountId: UNKNOWN, keyId: KEY_ID })).setPreview(true), cb),
    );
    expect(created.getId()).toBe("");
    expect(created.getProperties()!.toJavaScript()).toEqual({});
    // A provider whose own setting is not known yet (an explicit provider's input) reads nothing in the preview either.
    await plugin.configure({ apiToken: UNKNOWN, baseUrl: emulator.url });
    try {
      const withUnknownToken = await plugin.call<rpc.CreateResponse>((c, cb) =>
        c.create(new rpc.CreateRequest().setProperties(Struct.fromJavaScript({ accountId: ACCOUNT_ID, keyId: KEY_ID })).setPreview(true), cb),
      );
      expect(withUnknownToken.getProperties()!.toJavaScript()).toEqual({});
      const invoked = (await plugin
        .invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID })
        .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect(invoked.details).toBe(
        "This cloudflare-turn-lookup provider's settings are not known until its inputs are; its functions run once they are (in pulumi up).",
      );
    } finally {
      await plugin.configure({ apiToken: CANARY_TOKEN, baseUrl: emulator.url });
    }
    expect(emulator.requests).toEqual([]);
  });

  it("cancel stops a lookup in flight at once, and every later one", async () => {
    const slow = await Plugin.start({ ...process.env, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "" });
    try {
      await slow.configure({ apiToken: CANARY_TOKEN, baseUrl: emulator.url });
      emulator.setConditions({ latencyMs: 30_000 });
      const started = Date.now();
      const pending = slow.invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID }).catch((e: grpc.ServiceError) => e);
      await until(() => emulator.requests.length === 1, "the lookup's GET reached the emulator");
      await slow.call((c, cb) => c.cancel(new Empty(), cb));
      const err = (await pending) as grpc.ServiceError;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err.details).toBe(`The TURN key lookup was cancelled (account ${ACCOUNT_ID}, key ${KEY_ID}).`);
      const later = (await slow
        .invoke("cloudflare-turn-lookup:index:lookupTurnKeys", { accountId: ACCOUNT_ID })
        .catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect(later.details).toBe(`The TURN key list was cancelled (account ${ACCOUNT_ID}).`);
      expect(emulator.requests.length).toBe(1);
    } finally {
      emulator.setConditions({});
      slow.stop();
    }
  });

  it("creates by reading, reads an import id, and deletes without a request", async () => {
    const created = await plugin.call<rpc.CreateResponse>((c, cb) =>
      c.create(new rpc.CreateRequest().setProperties(Struct.fromJavaScript({ accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID })).setPreview(true), cb),
    );
    expect(created.getId()).toBe(`${ACCOUNT_ID}/${OTHER_KEY_ID}`);
    expect(created.getProperties()!.toJavaScript()).toMatchObject({ name: "staging", uid: OTHER_KEY_ID });
    const read = await plugin.call<rpc.ReadResponse>((c, cb) => c.read(new rpc.ReadRequest().setId(`${ACCOUNT_ID}/${KEY_ID}`), cb));
    expect(read.getInputs()!.toJavaScript()).toEqual({ accountId: ACCOUNT_ID, keyId: KEY_ID });
    expect(read.getProperties()!.toJavaScript()).toMatchObject({ name: "production-realtime-app" });
    const badId = await plugin.call<rpc.ReadResponse>((c, cb) => c.read(new rpc.ReadRequest().setId("a/b/c"), cb)).catch((e: grpc.ServiceError) => e);
    expect((badId as grpc.ServiceError).details).toBe('A TurnKeyLookup\'s id is <accountId>/<keyId>; got "a/b/c".');
    // This provider has no account: a bare id is a mistake of form, not a missing account.
    const bare = await plugin.call<rpc.ReadResponse>((c, cb) => c.read(new rpc.ReadRequest().setId(KEY_ID), cb)).catch((e: grpc.ServiceError) => e);
    expect((bare as grpc.ServiceError).details).toBe(`A TurnKeyLookup's id is <accountId>/<keyId>; got "${KEY_ID}".`);
    const before = emulator.requests.length;
    await plugin.call((c, cb) => c.delete(new rpc.DeleteRequest().setId(`${ACCOUNT_ID}/${KEY_ID}`), cb));
    expect(emulator.requests.length).toBe(before);
    expect(emulator.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("names the plugin's config keys in a credential error, and never the token", async () => {
    const other = await Plugin.start({ ...process.env, CLOUDFLARE_API_TOKEN: "" });
    try {
      await other.configure({ baseUrl: emulator.url });
      const err = (await other
        .invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID })
        .catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.details).toBe(
        "No Cloudflare credential found: set the stack secret cloudflare-turn-lookup:apiToken (pulumi config set --secret cloudflare-turn-lookup:apiToken <token>) " +
          'or the environment variable CLOUDFLARE_API_TOKEN. The token needs the "Calls Read" permission.',
      );
      await other.configure({ baseUrl: emulator.url, apiToken: "wrong-token-1f3e5a7c9b2d4f6a8c0e" });
      const refused = (await other
        .invoke("cloudflare-turn-lookup:index:lookupTurnKey", { accountId: ACCOUNT_ID, keyId: KEY_ID })
        .catch((e: unknown) => e)) as grpc.ServiceError;
      expect(refused.details).toContain("Cloudflare refused the credential for the TURN key lookup");
      expect(refused.details).not.toContain("wrong-token");
      expect(other.stderr()).toBe("");
    } finally {
      other.stop();
    }
  });
});

describe("the wire's marks", () => {
  it("are the SDK's own: its secret signature and its unknown value", () => {
    expect(markers.SIG_KEY).toBe(sdkRpc.specialSigKey);
    expect(markers.SECRET_SIG).toBe(sdkRpc.specialSecretSig);
    expect(markers.UNKNOWN).toBe(sdkRpc.unknownValue);
  });
});

describe("the engine's arguments", () => {
  it("finds the engine's address after the flags it passes first", () => {
    expect(engineAddress(["127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddress(["--logtostderr", "-v=9", "127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddress(["--tracing", "127.0.0.1:9411", "127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddress(["--logtostderr", "-v=9", "--tracing", "file:/tmp/x", "127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    // Started by hand, to be attached to.
    expect(engineAddress([])).toBeUndefined();
  });
});

/** The supported Node.js versions: package.json's engines, which the build writes into the plugin. */
const ENGINES = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;

describe("the plugin's executable", () => {
  it.each(["20.11.0", "21.7.3", "23.0.0", "25.1.0"])("refuses Node.js %s, outside package.json's engines, in one line", (version) => {
    // A node on PATH that reports another version before the plugin's own check runs.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "other-node-"));
    const preload = path.join(bin, "other.cjs");
    fs.writeFileSync(preload, `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${version}" } });\n`);
    fs.writeFileSync(path.join(bin, "node"), `#!/bin/sh\nexec "${process.execPath}" --require "${preload}" "$@"\n`, { mode: 0o755 });
    try {
      const r = spawnSync(PLUGIN, [], { encoding: "utf8", env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `pulumi-resource-cloudflare-turn-lookup runs on Node.js ${ENGINES}; the node on PATH is v${version} (${process.execPath}). Install a supported Node.js, or put one first on PATH.\n`,
      );
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it("keeps its compiled code in the user's cache folder, and starts from it", async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-cache-"));
    try {
      const first = await Plugin.start({ ...process.env, XDG_CACHE_HOME: cache });
      first.stop();
      const folder = path.join(cache, "pulumi-cloudflare-turn-lookup", "plugin-code-cache");
      const files = fs.readdirSync(folder);
      expect(files).toEqual([expect.stringMatching(new RegExp(`^server\\.js-${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-f]{16}$`))]);
      const written = fs.statSync(path.join(folder, files[0]!)).mtimeMs;
      // The second start reads the cache, and leaves it as it is.
      const second = await Plugin.start({ ...process.env, XDG_CACHE_HOME: cache });
      const info = await second.call<PluginInfo>((c, cb) => c.getPluginInfo(new Empty(), cb));
      second.stop();
      expect(info.getVersion()).toBe("0.1.0");
      expect(fs.statSync(path.join(folder, files[0]!)).mtimeMs).toBe(written);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("says so in one line when there is no node on PATH", () => {
    const r = spawnSync(PLUGIN, [], { encoding: "utf8", env: { PATH: "/nonexistent" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `pulumi-resource-cloudflare-turn-lookup needs Node.js ${ENGINES} on PATH, and found no node command. Install Node.js, or put it on PATH.\n`,
    );
  });
});
