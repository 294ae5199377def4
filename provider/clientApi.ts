/**
 * What both entry points export: the client factory and its types, the
 * error classes, and the settings' types. `/client` adds the scripts'
 * default client; the root adds the resources and function forms.
 */
export { createTurnKeyClient, isTurnKeyLookupError } from "./client/client";
export type { TurnKeyClient, TurnKeyClientOptions, LookupOptions, TurnKey, TurnKeyRef, TurnKeyNameRef, AccountRef, ListedTurnKey } from "./core/types";
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
} from "./core/errors";
export type { ConnectionSettings, RequestLimits } from "./core/settings";
