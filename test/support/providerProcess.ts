import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";

// The SDK's generated gRPC stubs: the very messages the engine sends.
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

type Props = Record<string, unknown>;

/** A fake engine that only records `Log` calls: what the provider process would show with `--debug`. */
async function startLogSink(): Promise<{ address: string; logs: string[]; server: grpc.Server }> {
  const logs: string[] = [];
  const server = new grpc.Server();
  server.addService(engineRpc.EngineService, {
    log: (call: { request: { getMessage(): string } }, cb: (e: null, v: unknown) => void) => {
      logs.push(call.request.getMessage());
      cb(null, new (require("google-protobuf/google/protobuf/empty_pb").Empty)());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, logs, server };
}

/**
 * The real `@pulumi/pulumi/cmd/dynamic-provider` gRPC server, started and
 * called as the engine does: `Configure` with the stack config, then
 * `Check` / `Read` with the serialized provider in `__provider`.
 */
export class ProviderProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly sink: { logs: string[]; server: grpc.Server },
    /** Everything the process wrote to stdout and stderr. */
    readonly output: { text: string },
  ) {}

  /** Starts the provider in `cwd`, a project where this package is installed. */
  static async start(cwd: string): Promise<ProviderProcess> {
    const sink = await startLogSink();
    const script = path.join(cwd, "node_modules/@pulumi/pulumi/cmd/dynamic-provider");
    const child = spawn(process.execPath, [script, sink.address], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const output = { text: "" };
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        output.text += d.toString();
        const m = /^(\d+)\s*$/m.exec(output.text);
        if (m) resolve(m[1]!);
      });
      child.stderr!.on("data", (d: Buffer) => (output.text += d.toString()));
      child.once("exit", (code) => reject(new Error(`provider exited with ${code}: ${output.text}`)));
    });
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderProcess(child, client, sink, output);
  }

  /** The provider process's pid. */
  get pid(): number {
    return this.child.pid!;
  }

  /** What the provider logged to the engine. */
  get logs(): readonly string[] {
    return this.sink.logs;
  }

  /** `Configure`, with the stack's config as the engine passes it. */
  configure(config: Record<string, string>): Promise<void> {
    const req = new providerPb.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config));
    return this.call("configure", req).then(() => undefined);
  }

  /** `Read` with the program's inputs as both inputs and state, as a read of an existing object sends it. */
  async read(id: string, props: Props): Promise<{ id: string; props: Props }> {
    const req = new providerPb.ReadRequest();
    req.setId(id);
    req.setUrn("urn:pulumi:test::test::pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup::k");
    req.setProperties(Struct.fromJavaScript(props));
    req.setInputs(Struct.fromJavaScript(props));
    const resp = await this.call("read", req);
    return { id: resp.getId(), props: resp.getProperties().toJavaScript() };
  }

  private call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => this.client[method](req, (err: Error | null, resp: unknown) => (err ? reject(err) : resolve(resp))));
  }

  /** Stops the process and the log sink. */
  async stop(): Promise<void> {
    this.client.close();
    this.child.kill();
    this.sink.server.forceShutdown();
  }
}

/** The provider object serialized exactly as `pulumi.dynamic.Resource` does it. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}
