/**
 * The lookup client alone, without Pulumi: `pulumi-cloudflare-turn-lookup/client`.
 * @packageDocumentation
 */
export { createTurnKeyClient, isTurnKeyLookupError } from "./client";
export type { TurnKeyClient, TurnKeyClientOptions, LookupOptions, TurnKey, TurnKeyRef, TurnKeyNameRef, AccountRef, ListedTurnKey } from "./types";
/** A process-wide default client, for scripts: see `defaultClient.ts`. Not in the root export, whose programs get a client per run. */
export { getTurnKey, configureRequestLimits, clearTurnKeyCache, closeDefaultTurnKeyClient, type GetTurnKeyOptions } from "./defaultClient";
export {
  TurnKeyLookupError,
  TurnKeyInputError,
  CloudflareApiError,
  TurnKeyNotFoundError,
  TurnKeyAmbiguousError,
  CloudflareAuthError,
  CloudflareRateLimitError,
  CloudflareResponseError,
  CloudflareConnectionError,
  CloudflareTimeoutError,
  TurnKeyLookupAbortedError,
  type CloudflareMessage,
  type CloudflareApiErrorDetails,
} from "./errors";
export type { RequestLimits } from "./limits";
export type { ConnectionSettings } from "./settings";
