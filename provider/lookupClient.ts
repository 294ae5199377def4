/**
 * The lookup client alone, without Pulumi: `pulumi-cloudflare-turn-lookup/client`.
 * @packageDocumentation
 */
export * from "./clientApi";
/** A process-wide default client, for scripts: see `defaultClient.ts`. Not in the root export, whose programs get a client per run. */
export { getTurnKey, configureRequestLimits, clearTurnKeyCache, closeDefaultTurnKeyClient, type GetTurnKeyOptions } from "./client/defaultClient";
