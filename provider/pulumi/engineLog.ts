/**
 * Debug lines from the provider process to the Pulumi engine's log, so that
 * `pulumi up --debug` (or `-v=9 --logtostderr`) shows them. The engine passes
 * its address as the dynamic provider's first argument.
 */
import { EngineLog } from "../engine/log";
import { sdkGrpc } from "./sdkInternals";

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
    const log = new EngineLog(sdkGrpc(), address);
    return (message) => void log.send("debug", `[TurnKeyLookup] ${message}`);
  } catch {
    return null;
  }
}
