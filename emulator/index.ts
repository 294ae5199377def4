/**
 * A local Cloudflare Calls TURN-key API, for offline demos and tests:
 * `pulumi-cloudflare-turn-lookup/emulator`, or the `cloudflare-turn-emulator` command.
 * @packageDocumentation
 */
export { startEmulator, API_PREFIX, type EmulatorOptions, type EmulatorSeed, type RecordedRequest, type RunningEmulator } from "./server";
export type { FaultScript, FaultStep } from "./faults";
export type { SeedTurnKey, StoredTurnKey } from "./store";
