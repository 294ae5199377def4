/**
 * The plugin's gRPC face: the engine's `ResourceProvider` calls, each turned
 * into a call of {@link PluginProvider} on plain values, and its failures
 * into one message. `@pulumi/pulumi/provider`'s own server does not pass a
 * provider's configuration on, so the plugin serves the generated service
 * itself. The lookups, with the client and its HTTP stack, load at the first
 * call that needs them (a bundle of their own): the engine starts the plugin
 * only to read the schema, too.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo, type PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import { EngineLog } from "../engine/log";
import { requireBundle } from "./codeCache";
import type { PluginProvider } from "./provider";
import { secretProperties, unwrap, wrap } from "./wire";

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** Wraps a handler: its failure reaches the engine as one message, with no stack trace. */
function unary<Req, Res>(handler: (request: Req) => Promise<Res> | Res): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) }),
      );
  };
}

function unimplemented(name: string): Unary<unknown, never> {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the cloudflare-turn-lookup plugin` });
}

/**
 * The engine's address among the arguments it starts a plugin with: its
 * flags (`--logtostderr`, `-v=9`, `--tracing <endpoint>`, …) come first,
 * then the address. `undefined` when started by hand (to attach to later).
 */
export function engineAddress(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--tracing") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

/** The service's handlers over one provider. */
function handlers(engine: EngineLog): grpc.UntypedServiceImplementation {
  // The schema, beside the bundle: read when first asked for, then kept.
  let schemaText: string | undefined;
  const schema = (): string => (schemaText ??= readFileSync(path.join(__dirname, "schema.json"), "utf8"));
  let bundle: typeof import("./provider") | undefined;
  let provider: PluginProvider | undefined;
  const lookups = (): PluginProvider => {
    if (provider === undefined) {
      if (bundle === undefined) {
        const loaded = requireBundle<typeof import("./provider")>(path.join(__dirname, "provider.js"));
        bundle = loaded.exports;
        // Now: the engine may stop the plugin as soon as the operation's last call is answered.
        loaded.saveCache();
      }
      // Warnings the user must see (a credential stored in clear text, a mistyped key); on stderr when started by hand.
      provider = new bundle.PluginProvider((message) => engine.send("warning", message) || process.stderr.write(`warning: ${message}\n`));
    }
    return provider;
  };

  return {
    // The schema's version is the package's: the engine matches it against the SDKs' `pulumi-plugin.json`.
    getPluginInfo: unary(() => new PluginInfo().setVersion((JSON.parse(schema()) as { version: string }).version)),
    getSchema: unary(() => new rpc.GetSchemaResponse().setSchema(schema())),
    checkConfig: unary((req: rpc.CheckRequest) => {
      const { inputs, failures } = lookups().checkConfig(req.getUrn(), unwrap(req.getNews()).values);
      // No secret marks come to CheckConfig; the engine puts the stack config's back on what it returns.
      return new rpc.CheckResponse()
        .setInputs(wrap(inputs))
        .setFailuresList(failures.map((f) => new rpc.CheckFailure().setProperty(f.property).setReason(f.reason)));
    }),
    // Left to the engine, as the SDK's provider server does: it compares the old and new config with their secret marks.
    diffConfig: unimplemented("diffConfig"),
    configure: unary(async (req: rpc.ConfigureRequest) => {
      const variables = new Map<string, string>();
      req.getVariablesMap().forEach((value: string, key: string) => variables.set(key, value));
      // The args carry the engine's secret marks; the variables, the same values as text.
      await lookups().configure(variables, secretProperties(req.getArgs()));
      return new rpc.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
    }),
    invoke: unary(async (req: rpc.InvokeRequest) => {
      const { values, secret } = unwrap(req.getArgs());
      const result = await lookups().invoke(req.getTok(), values);
      return new rpc.InvokeResponse().setReturn(wrap(result, secret));
    }),
    check: unary((req: rpc.CheckRequest) => {
      const { inputs, failures } = lookups().check(unwrap(req.getNews()).values);
      // The inputs keep their secret marks: the engine puts none back for a provider that accepts secrets.
      return new rpc.CheckResponse()
        .setInputs(wrap(inputs, secretProperties(req.getNews())))
        .setFailuresList(failures.map((f) => new rpc.CheckFailure().setProperty(f.property).setReason(f.reason)));
    }),
    diff: unary((req: rpc.DiffRequest) => {
      const { replaces, updates } = lookups().diff(req.getUrn(), unwrap(req.getOlds()).values, unwrap(req.getNews()).values);
      const changed = [...replaces, ...updates];
      const res = new rpc.DiffResponse()
        .setChanges(changed.length > 0 ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE)
        .setReplacesList(replaces)
        .setDiffsList(changed)
        .setDeletebeforereplace(true)
        .setHasdetaileddiff(true);
      const kinds = res.getDetaileddiffMap();
      for (const key of replaces) kinds.set(key, new rpc.PropertyDiff().setKind(rpc.PropertyDiff.Kind.UPDATE_REPLACE).setInputdiff(true));
      for (const key of updates) kinds.set(key, new rpc.PropertyDiff().setKind(rpc.PropertyDiff.Kind.UPDATE));
      return res;
    }),
    // A secret input makes the key's values secret, as a secret argument makes a function's result secret.
    create: unary(async (req: rpc.CreateRequest) => {
      const { values, secret } = unwrap(req.getProperties());
      const { id, outputs } = await lookups().create(values);
      return new rpc.CreateResponse().setId(id).setProperties(wrap(outputs, secret));
    }),
    read: unary(async (req: rpc.ReadRequest) => {
      const state = unwrap(req.getProperties());
      const secret = state.secret || unwrap(req.getInputs()).secret;
      const { id, outputs, inputs } = await lookups().read(req.getUrn(), req.getId(), state.values);
      return new rpc.ReadResponse().setId(id).setProperties(wrap(outputs, secret)).setInputs(wrap(inputs, secret));
    }),
    // Nothing in Cloudflare belongs to a lookup: deleting it forgets it.
    delete: unary(() => new Empty()),
    // The engine asks once, on the user's Ctrl-C: every lookup in flight stops now.
    cancel: unary(() => {
      provider?.cancel();
      return new Empty();
    }),
    // A plugin started by hand (PULUMI_DEBUG_PROVIDERS) serves one engine after another: each gets a fresh provider.
    attach: unary((req: PluginAttach) => {
      engine.attach(req.getAddress());
      provider?.cancel();
      provider = undefined;
      return new Empty();
    }),
    getMapping: unary(() => new rpc.GetMappingResponse()),
    getMappings: unary(() => new rpc.GetMappingsResponse()),
    update: unimplemented("update"),
    construct: unimplemented("construct"),
    call: unimplemented("call"),
    parameterize: unimplemented("parameterize"),
    streamInvoke: (call: grpc.ServerWritableStream<unknown, unknown>) => call.destroy(new Error("streamInvoke is not implemented")),
  };
}

/**
 * Serves the plugin on a loopback port, and returns the port, which the
 * engine expects on the first line of stdout. `args` are the engine's: its
 * flags, then its address (none when started by hand, to attach to).
 * @public Loaded by main.ts, from its own bundle.
 */
export async function serve(args: readonly string[]): Promise<number> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, handlers(new EngineLog(grpc, engineAddress(args))));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return port;
}
