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
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { requireBundle } from "./codeCache";
import { isSecretOption, withPluginKeys } from "./config";
import type { PluginProvider } from "./lookups";
import { secretProperties, unwrap, wrap } from "./wire";

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** Wraps a handler: its failure reaches the engine as one message, in the plugin's config keys, with no stack trace. */
function unary<Req, Res>(handler: (request: Req) => Promise<Res> | Res): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: withPluginKeys(err instanceof Error ? err.message : String(err)) }),
      );
  };
}

function unimplemented(name: string): Unary<unknown, never> {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the cloudflare-turn-lookup plugin` });
}

/** The engine's log, for warnings the user must see (a credential stored in clear text). */
class EngineLog {
  constructor(private readonly address: string | undefined) {}

  warn(message: string): void {
    if (!this.address) {
      process.stderr.write(`warning: ${message}\n`);
      return;
    }
    // Loaded only for a warning: most runs never send one.
    const engine = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
    const pb = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
    const client = new engine.EngineClient(this.address, grpc.credentials.createInsecure());
    client.log(new pb.LogRequest().setSeverity(pb.LogSeverity.WARNING).setMessage(message), () => client.close());
  }
}

/** The service's handlers over one provider. */
function handlers(engine: EngineLog): grpc.UntypedServiceImplementation {
  // The schema, beside the bundle: read when first asked for, then kept.
  let schemaText: string | undefined;
  const schema = (): string => (schemaText ??= readFileSync(path.join(__dirname, "schema.json"), "utf8"));
  let provider: PluginProvider | undefined;
  const lookups = (): PluginProvider => {
    if (provider === undefined) {
      const bundle = requireBundle<typeof import("./lookups")>(path.join(__dirname, "lookups.js"));
      provider = new bundle.exports.PluginProvider();
      // Now: the engine may stop the plugin as soon as the operation's last call is answered.
      bundle.saveCache();
    }
    return provider;
  };

  return {
    // The schema's version is the package's: the engine matches it against the SDKs' `pulumi-plugin.json`.
    getPluginInfo: unary(() => new PluginInfo().setVersion((JSON.parse(schema()) as { version: string }).version)),
    getSchema: unary(() => new rpc.GetSchemaResponse().setSchema(schema())),
    checkConfig: unary((req: rpc.CheckRequest) => new rpc.CheckResponse().setInputs(req.getNews())),
    diffConfig: unary((req: rpc.DiffRequest) => {
      const same = JSON.stringify(unwrap(req.getOlds()).values) === JSON.stringify(unwrap(req.getNews()).values);
      return new rpc.DiffResponse().setChanges(same ? rpc.DiffResponse.DiffChanges.DIFF_NONE : rpc.DiffResponse.DiffChanges.DIFF_SOME);
    }),
    configure: unary(async (req: rpc.ConfigureRequest) => {
      const variables = new Map<string, string>();
      req.getVariablesMap().forEach((value: string, key: string) => variables.set(key, value));
      await lookups().configure(variables);
      // Configure's args carry the stack config's secret marks (CheckConfig's do not): a credential without one is stored in clear text.
      const args = req.getArgs();
      const secret = secretProperties(args);
      for (const key of Object.keys(unwrap(args).values).filter((k) => isSecretOption(k) && !secret.includes(k))) {
        engine.warn(
          `cloudflare-turn-lookup:${key} is stored in clear text; store it as a secret: pulumi config set --secret cloudflare-turn-lookup:${key} <value>.`,
        );
      }
      return new rpc.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true);
    }),
    invoke: unary(async (req: rpc.InvokeRequest) => {
      const { values, secret } = unwrap(req.getArgs());
      const result = await lookups().invoke(req.getTok(), values);
      return new rpc.InvokeResponse().setReturn(wrap(result, secret));
    }),
    check: unary((req: rpc.CheckRequest) => {
      const { inputs, failures } = lookups().check(unwrap(req.getNews()).values);
      return new rpc.CheckResponse()
        .setInputs(wrap(inputs))
        .setFailuresList(failures.map((f) => new rpc.CheckFailure().setProperty(f.property).setReason(f.reason)));
    }),
    diff: unary((req: rpc.DiffRequest) => {
      const replaces = lookups().diff(unwrap(req.getOlds()).values, unwrap(req.getNews()).values);
      return new rpc.DiffResponse()
        .setChanges(replaces.length > 0 ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE)
        .setReplacesList(replaces)
        .setDiffsList(replaces)
        .setDeletebeforereplace(true);
    }),
    create: unary(async (req: rpc.CreateRequest) => {
      const { id, outputs } = await lookups().create(unwrap(req.getProperties()).values);
      return new rpc.CreateResponse().setId(id).setProperties(wrap(outputs));
    }),
    read: unary(async (req: rpc.ReadRequest) => {
      const { id, outputs, inputs } = await lookups().read(req.getId());
      return new rpc.ReadResponse().setId(id).setProperties(wrap(outputs)).setInputs(wrap(inputs));
    }),
    // Nothing in Cloudflare belongs to a lookup: deleting it forgets it.
    delete: unary(() => new Empty()),
    cancel: unary(() => new Empty()),
    getMapping: unary(() => new rpc.GetMappingResponse()),
    getMappings: unary(() => new rpc.GetMappingsResponse()),
    update: unimplemented("update"),
    construct: unimplemented("construct"),
    call: unimplemented("call"),
    parameterize: unimplemented("parameterize"),
    attach: unimplemented("attach"),
    streamInvoke: (call: grpc.ServerWritableStream<unknown, unknown>) => call.destroy(new Error("streamInvoke is not implemented")),
  };
}

/**
 * Serves the plugin on a loopback port, and returns the port, which the
 * engine expects on the first line of stdout. `args` are the engine's: its
 * address first.
 * @public Loaded by main.ts, from its own bundle.
 */
export async function serve(args: readonly string[]): Promise<number> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, handlers(new EngineLog(args[0])));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return port;
}
