/**
 * Debug lines from the provider process to the Pulumi engine's log, so that
 * `pulumi up --debug` (or `-v=9 --logtostderr`) shows them. The engine passes
 * its address as the dynamic provider's first argument; the SDK only connects
 * a program, not a provider process, to it, so we do it here.
 */

type Logger = (message: string) => void;

/**
 * Process-wide on purpose: the engine's address is the provider process's
 * own (its first argument), the same for every lookup it serves. It holds
 * no credential and no result.
 */
let logger: Logger | null | undefined;

/** A logger that sends DEBUG lines to the engine, or `undefined` outside a provider process started by the engine. */
export function engineDebugLogger(argv: readonly string[] = process.argv): Logger | undefined {
  if (logger === undefined) logger = connect(argv[2]);
  return logger ?? undefined;
}

function connect(address: string | undefined): Logger | null {
  if (!address || !/^[\w.[\]:-]+:\d+$/.test(address)) return null;
  try {
    const pulumiDir = require.resolve("@pulumi/pulumi/package.json").replace(/package\.json$/, "");
    // grpc-js is @pulumi/pulumi's own dependency: load the very copy it uses.
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
    const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
      EngineClient: new (addr: string, creds: unknown) => { log(req: unknown, cb: (err: unknown) => void): void };
    };
    const proto = require("@pulumi/pulumi/proto/engine_pb") as {
      LogRequest: new () => { setSeverity(s: number): void; setMessage(m: string): void; setEphemeral(e: boolean): void };
      LogSeverity: { DEBUG: number };
    };
    const client = new EngineClient(address, grpc.credentials.createInsecure());
    return (message) => {
      const req = new proto.LogRequest();
      req.setSeverity(proto.LogSeverity.DEBUG);
      req.setMessage(`[TurnKeyLookup] ${message}`);
      req.setEphemeral(false);
      // Logging must never fail a lookup.
      client.log(req, () => undefined);
    };
  } catch {
    return null;
  }
}
