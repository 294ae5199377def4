/**
 * The public types of the lookup client: what a lookup returns, what it
 * takes, and the client's options and methods.
 */
import type { Dispatcher } from "undici";
import type { ConnectionSettings, RequestLimits, SettingNames } from "./settings";

/** A Cloudflare Calls TURN key, as a lookup returns it. */
export interface TurnKey {
  /** The account the key belongs to. */
  readonly accountId: string;
  /** The key's id (the same as `uid`). */
  readonly keyId: string;
  /** The key's short description (not shown to end users); `""` when it has none. */
  readonly name: string;
  /** Cloudflare's unique identifier of the key (32 hex characters). */
  readonly uid: string;
  /** When the key was created (RFC 3339); `""` if Cloudflare did not say. */
  readonly created: string;
  /** When the key was last modified (RFC 3339); `""` if Cloudflare did not say. */
  readonly modified: string;
}

/** One key of an account's list, as the list lookups expose it (the account and key ids are the list's own). */
export interface ListedTurnKey {
  name: string;
  uid: string;
  created: string;
  modified: string;
}

/** The list view of `keys`: `{ name, uid, created, modified }` each, in order. */
export function listedTurnKeys(keys: readonly TurnKey[]): ListedTurnKey[] {
  return keys.map(({ name, uid, created, modified }) => ({ name, uid, created, modified }));
}

/** Which account. */
export interface AccountRef {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string | undefined;
}

/** Which key to look up, by id. */
export interface TurnKeyRef extends AccountRef {
  /** The TURN key id (32 lowercase hex characters). */
  keyId: string;
}

/** Which key to look up, by name. */
export interface TurnKeyNameRef extends AccountRef {
  /** The key's exact name (case-sensitive); `""` finds the one key without a name. */
  name: string;
}

/** Options of one call. */
export interface LookupOptions {
  /**
   * Total deadline for the call, retries, pages and waits included, in ms;
   * its own even while it shares a request with other calls. Default: the client's (60,000).
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt for transient failures (408, 429, 5xx,
   * connection errors), for this call: a shared request may retry longer for
   * a more patient call. Default: the client's (3).
   */
  maxRetries?: number;
  /**
   * Aborts this call; it then rejects with `TurnKeyLookupAbortedError`. A
   * request it shares with other calls goes on for them. A reason given as
   * a string says what happened in the message: `abort("cancelled")` gives
   * "The TURN key lookup was cancelled".
   */
  signal?: AbortSignal;
}

/** Options of {@link createTurnKeyClient}. Settings not given fall back to the environment. */
export interface TurnKeyClientOptions extends ConnectionSettings {
  /** Default total deadline of each call, in ms. Default 60,000. */
  timeoutMs?: number;
  /** Default retries of transient failures. Default 3. */
  maxRetries?: number;
  /**
   * Keep results for the life of the client, so later lookups of the same key
   * or account send nothing, and a key found in a listed account is not
   * fetched again. Default `false`. Identical calls in flight at the same
   * time always share one request.
   */
  cache?: boolean;
  /** Receives debug lines (retries and their reasons). Never given a credential. */
  logger?: (message: string) => void;
  /** An undici dispatcher to send through instead of the client's own keep-alive agent (a proxy, or a test's MockAgent). */
  dispatcher?: Dispatcher;
  /** Environment to read fallbacks from. Default `process.env`, read at each call. */
  env?: NodeJS.ProcessEnv;
  /** Request limits shared by every call of this client; see {@link RequestLimits}. */
  limits?: Partial<RequestLimits>;
  /**
   * How messages name settings. Default: this client's options and the
   * environment variables (`apiToken / CLOUDFLARE_API_TOKEN`); the package's
   * Pulumi faces pass their config keys.
   */
  names?: SettingNames;
}

/** A client of the Cloudflare Calls TURN-key API. Create one with {@link createTurnKeyClient}. */
export interface TurnKeyClient {
  /** Reads one key: `GET /accounts/{account_id}/calls/turn_keys/{key_id}`. */
  getTurnKey(ref: TurnKeyRef, options?: LookupOptions): Promise<TurnKey>;
  /** Reads every key of the account, in the API's order: `GET /accounts/{account_id}/calls/turn_keys`. */
  listTurnKeys(ref: AccountRef, options?: LookupOptions): Promise<TurnKey[]>;
  /**
   * The one key whose name is exactly `name`. Rejects with
   * `TurnKeyNotFoundError` when none has it, and `TurnKeyAmbiguousError` when several do.
   */
  findTurnKeyByName(ref: TurnKeyNameRef, options?: LookupOptions): Promise<TurnKey>;
  /** The request limits in force. */
  readonly limits: Readonly<RequestLimits>;
  /** Changes some request limits; the rest keep their value. */
  configureLimits(limits: Partial<RequestLimits>): void;
  /** Forgets every cached result (calls in flight are not affected). */
  clearCache(): void;
  /** Closes the client's own connections (not a dispatcher given in the options). */
  close(): Promise<void>;
}

/** Settings a single call may override on the default client (see `getTurnKey`). */
export type CallSettings = ConnectionSettings & Pick<TurnKeyClientOptions, "cache" | "logger" | "dispatcher" | "env">;
