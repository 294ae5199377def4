/** `getTurnKey` and friends on a default client, for scripts that make none (exported from `/client` only). */
import { TurnKeyClientImpl } from "./client";
import type { CallSettings, LookupOptions, TurnKey, TurnKeyRef } from "../core/types";
import type { RequestLimits } from "../core/settings";

/** Options of {@link getTurnKey}: the call's own options, and settings that override the environment. */
export interface GetTurnKeyOptions extends LookupOptions, CallSettings {}

/**
 * Process-wide on purpose, for scripts: it keeps no result unless a call asks
 * for `cache: true`. No Pulumi program run uses it (the function forms have a client per run).
 */
let defaultClient: TurnKeyClientImpl | undefined;

/**
 * Looks up one Cloudflare Calls TURN key:
 * `GET /accounts/{account_id}/calls/turn_keys/{key_id}`, on the default client.
 *
 * Ids and options are checked before anything is sent (`TurnKeyInputError`).
 * Transient failures are retried within the deadline; every other failure
 * rejects with a subclass of `CloudflareApiError`. It only ever reads:
 * nothing in Cloudflare is changed.
 *
 * @example
 * const key = await getTurnKey({ accountId: "023e105f4ecef8ad9ca31a8372d0c353", keyId: "2a95132c15732412d22c1476fa83f27a" });
 * console.log(key.name, key.uid);
 */
export function getTurnKey(ref: TurnKeyRef, options: GetTurnKeyOptions = {}): Promise<TurnKey> {
  return (defaultClient ??= new TurnKeyClientImpl()).getTurnKey(ref, options);
}

/** Changes the default client's request limits; give only what you want to change. */
export function configureRequestLimits(limits: Partial<RequestLimits>): void {
  (defaultClient ??= new TurnKeyClientImpl()).configureLimits(limits);
}

/** Forgets every result the default client cached (calls in flight are not affected). */
export function clearTurnKeyCache(): void {
  (defaultClient ??= new TurnKeyClientImpl()).clearCache();
}

/**
 * Closes the default client's connections and forgets it, with its
 * remembered settings and results; a later `getTurnKey` starts a new one.
 * Call it when a script is done, so that no kept-alive socket outlives it.
 */
export async function closeDefaultTurnKeyClient(): Promise<void> {
  const closing = defaultClient;
  defaultClient = undefined;
  await closing?.close();
}
