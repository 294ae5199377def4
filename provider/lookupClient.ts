/**
 * The lookup client alone, without Pulumi: `pulumi-cloudflare-turn-lookup/client`.
 * @packageDocumentation
 */
export { getTurnKey, clearTurnKeyCache, isTurnKeyLookupError, type TurnKey, type TurnKeyRef, type GetTurnKeyOptions } from "./client";
export {
  TurnKeyLookupError,
  TurnKeyInputError,
  CloudflareApiError,
  TurnKeyNotFoundError,
  CloudflareAuthError,
  CloudflareRateLimitError,
  CloudflareResponseError,
  CloudflareConnectionError,
  CloudflareTimeoutError,
  TurnKeyLookupAbortedError,
  type CloudflareMessage,
  type CloudflareApiErrorDetails,
} from "./errors";
export { configureRequestLimits, DEFAULT_REQUEST_LIMITS, type RequestLimits } from "./limits";
export { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RETRIES, type CredentialSource } from "./settings";
export { MAX_BODY_BYTES } from "./http";
export { MAX_RETRY_AFTER_MS, MAX_BACKOFF_MS, BASE_BACKOFF_MS } from "./retry";
