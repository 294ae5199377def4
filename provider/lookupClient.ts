/**
 * The lookup client alone, without Pulumi: `pulumi-cloudflare-turn-lookup/client`.
 * @packageDocumentation
 */
export {
  createTurnKeyClient,
  isTurnKeyLookupError,
  type TurnKeyClient,
  type TurnKeyClientOptions,
  type LookupOptions,
  type TurnKey,
  type TurnKeyRef,
  type TurnKeyNameRef,
  type AccountRef,
  type ListedTurnKey,
} from "./client";
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
