/**
 * The engine's `Log` service, through the SDK's generated gRPC stubs: one
 * client for both faces, the dynamic provider's DEBUG lines and the plugin's
 * warnings. The caller gives the `@grpc/grpc-js` that the stubs load: the
 * dynamic provider the SDK's own copy, the plugin its bundled one.
 */
import type * as grpc from "@grpc/grpc-js";
import type { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";

/** The severities this package logs at. */
export type Severity = "debug" | "warning";

/** A connection to one engine's log, made at its first line. */
export class EngineLog {
  private client: EngineClient | undefined;

  /** @param address the engine's `host:port`, or `undefined` when there is no engine to log to. */
  constructor(
    private readonly grpcJs: typeof grpc,
    private address: string | undefined,
  ) {}

  /** The engine now served: a plugin's `Attach` names a new one. */
  attach(address: string): void {
    this.client?.close();
    this.client = undefined;
    this.address = address;
  }

  /** Sends one line; `false` when there is no engine. Failures are ignored: a log line never fails a lookup. */
  send(severity: Severity, message: string): boolean {
    if (!this.address) return false;
    // Loaded at the first line: most runs send none.
    const stubs = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
    const pb = require("@pulumi/pulumi/proto/engine_pb") as typeof import("@pulumi/pulumi/proto/engine_pb");
    this.client ??= new stubs.EngineClient(this.address, this.grpcJs.credentials.createInsecure());
    const level = severity === "debug" ? pb.LogSeverity.DEBUG : pb.LogSeverity.WARNING;
    this.client.log(new pb.LogRequest().setSeverity(level).setMessage(message), () => undefined);
    return true;
  }
}
