/**
 * The lookup client alone, without Pulumi: `pulumi-cloudflare-turn-lookup/client`.
 * @packageDocumentation
 */
export { createTurnKeyClient, isTurnKeyLookupError } from "./client";
export type { TurnKeyClient, TurnKeyClientOptions, LookupOptions, TurnKey, TurnKeyRef, TurnKeyNameRef, AccountRef, ListedTurnKey } from "./types";
export { getTurnKey, configureRequestLimits, clearTurnKeyCache, type GetTurnKeyOptions } from "./defaultClient";
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
