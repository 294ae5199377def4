/**
 * The lookup client: one object holding the credential, base URL, dispatcher,
 * request limits, result cache and in-flight sharing for every lookup it
 * makes. It knows nothing of Pulumi.
 */
import type { Dispatcher } from "undici";
import { Cancellation, sleep } from "./cancellation";
import { type CloudflareApiError, CloudflareResponseError, TurnKeyInputError, TurnKeyLookupError } from "./errors";
import { abortedError, errorOfThrown, failureOfThrown, reasonOf, timeoutError } from "./failures";
import { type HttpResponse, MAX_BODY_BYTES, MAX_LIST_BODY_BYTES, createDispatcher, httpGet } from "./http";
import { validateId, validateName } from "./ids";
import { DEFAULT_REQUEST_LIMITS, RequestLimiter, type RequestLimits, mergeLimits } from "./limits";
import { matchName } from "./names";
import { PROXY_ENV } from "./proxy";
import { redactSecrets } from "./redact";
import { type Interpretation, type RequestIdentity, type ResultReader, interpretResponse } from "./response";
import { type AttemptFailure, decideRetry } from "./retry";
import { readKey, readKeyList } from "./results";
import {
  CONNECTION_ENV,
  CONNECTION_SETTINGS,
  type Connection,
  type ConnectionSettings,
  accountIdFromEnv,
  connectionFromEnv,
  resolveConnection,
  wholeNumber,
} from "./settings";

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
  /** Total deadline for the call, retries, pages and waits included, in ms. Default: the client's (60,000). */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (408, 429, 5xx, connection errors). Default: the client's (3). */
  maxRetries?: number;
  /** Aborts the call; it then rejects with {@link TurnKeyLookupAbortedError}. A call with a signal never shares its request. */
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

/** Default total deadline of one call, retries included. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** Default number of retries after the first attempt. */
const DEFAULT_MAX_RETRIES = 3;
/** Most pages of a list followed, should a server ever page it: 50 pages is far past any real account. */
const MAX_LIST_PAGES = 50;
/** Distinct keys of one account, asked for together, from which one list request replaces a GET each. */
const LIST_BATCH_MIN = 4;
/** Distinct settings whose resolved connection is remembered. */
const MAX_CACHED_CONNECTIONS = 32;

/** Settings a single call may override on the default client (see `getTurnKey`). */
export type CallSettings = ConnectionSettings & Pick<TurnKeyClientOptions, "cache" | "logger" | "dispatcher" | "env">;

/** Everything a call needs, checked. */
interface Prepared {
  readonly connection: Connection;
  readonly accountId: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly cache: boolean;
  readonly logger: ((message: string) => void) | undefined;
  readonly dispatcher: Dispatcher | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Keys of one account asked for in one turn of the event loop, each with the callers waiting for it. */
interface Batch {
  readonly call: Prepared;
  readonly waiting: Map<string, ((key: Promise<TurnKey>) => void)[]>;
}

/** One request of a call. */
interface Target<T> {
  readonly who: RequestIdentity;
  readonly path: string;
  readonly reader: ResultReader<T>;
  readonly maxBytes: number;
}

/** The implementation behind {@link TurnKeyClient}; `getTurnKey` also passes per-call settings. */
export class TurnKeyClientImpl implements TurnKeyClient {
  private readonly limiter: RequestLimiter;
  /** The client's own keep-alive dispatchers, one per proxy ("" for direct). */
  private readonly ownDispatchers = new Map<string, Dispatcher>();
  private readonly connections = new Map<string, Connection>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly keys = new Map<string, TurnKey>();
  private readonly lists = new Map<string, TurnKey[]>();
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly options: TurnKeyClientOptions = {}) {
    this.limiter = new RequestLimiter(mergeLimits(DEFAULT_REQUEST_LIMITS, options.limits ?? {}));
    wholeNumber("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
    wholeNumber("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES, 0);
  }

  get limits(): Readonly<RequestLimits> {
    return this.limiter.current;
  }

  configureLimits(limits: Partial<RequestLimits>): void {
    this.limiter.configure(mergeLimits(this.limiter.current, limits));
  }

  clearCache(): void {
    this.keys.clear();
    this.lists.clear();
  }

  async close(): Promise<void> {
    const own = [...this.ownDispatchers.values()];
    this.ownDispatchers.clear();
    await Promise.all(own.map((d) => d.close()));
  }

  getTurnKey(ref: TurnKeyRef, options?: LookupOptions): Promise<TurnKey> {
    return this.getTurnKeyWith(ref, options ?? {});
  }

  listTurnKeys(ref: AccountRef, options?: LookupOptions): Promise<TurnKey[]> {
    return this.listTurnKeysWith(ref, options ?? {});
  }

  findTurnKeyByName(ref: TurnKeyNameRef, options?: LookupOptions): Promise<TurnKey> {
    return this.findTurnKeyByNameWith(ref, options ?? {});
  }

  /** {@link getTurnKey} with settings of this call overriding the client's. */
  async getTurnKeyWith(ref: TurnKeyRef, options: LookupOptions & CallSettings): Promise<TurnKey> {
    const call = this.prepare(ref, options);
    const keyId = this.checked(call, () => validateId("keyId", ref?.keyId));
    if (!call.cache) return this.fetchKey(call, keyId);
    const known = this.keys.get(this.keyShareKey(call, keyId)) ?? (await this.fromList(call, keyId));
    if (known) return known;
    return call.signal ? this.fetchKey(call, keyId) : this.batched(call, keyId);
  }

  /** One key by `GET`, shared with identical calls in flight (and kept, with the cache on). */
  private fetchKey(call: Prepared, keyId: string): Promise<TurnKey> {
    const path = `${this.accountPath(call)}/${keyId}`;
    const shareKey = this.keyShareKey(call, keyId);
    const who = this.identity(call, path, { keyId });
    return this.shared(shareKey, call, async () => {
      const key = await this.run(call, who, (ctx) => this.request(ctx, { who, path, reader: readKey(call.accountId, keyId), maxBytes: MAX_BODY_BYTES }));
      if (call.cache) this.keys.set(shareKey, key);
      return key;
    });
  }

  private keyShareKey(call: Prepared, keyId: string): string {
    return `${call.connection.id}\n${this.accountPath(call)}/${keyId}`;
  }

  /**
   * With the cache on, keys of one account asked for in the same turn of the
   * event loop (a program's lookups, or the reads of one preview) are
   * gathered: {@link LIST_BATCH_MIN} or more are read with one list request
   * instead of a GET each, which the shared rate limit and a preview's wall
   * time both feel. A key the list lacks, and every key when the list fails,
   * is read by GET, so its own error names it.
   */
  private batched(call: Prepared, keyId: string): Promise<TurnKey> {
    const listKey = `${call.connection.id}\n${this.accountPath(call)}`;
    let batch = this.batches.get(listKey);
    if (!batch) {
      const created = { call, waiting: new Map<string, ((key: Promise<TurnKey>) => void)[]>() };
      this.batches.set(listKey, created);
      setImmediate(() => void this.flush(listKey, created));
      batch = created;
    }
    const waiting = batch.waiting;
    return new Promise<TurnKey>((resolve) => waiting.set(keyId, [...(waiting.get(keyId) ?? []), resolve]));
  }

  private async flush(listKey: string, batch: Batch): Promise<void> {
    this.batches.delete(listKey);
    let listed: Map<string, TurnKey> | undefined;
    if (batch.waiting.size >= LIST_BATCH_MIN) {
      listed = await this.list(batch.call).then(
        (keys) => new Map(keys.map((k) => [k.keyId, k])),
        () => undefined,
      );
    }
    for (const [keyId, resolvers] of batch.waiting) {
      const found = listed?.get(keyId);
      const key = found ? Promise.resolve(found) : this.fetchKey(batch.call, keyId);
      for (const resolve of resolvers) resolve(key);
    }
  }

  /** {@link listTurnKeys} with settings of this call overriding the client's. */
  async listTurnKeysWith(ref: AccountRef, options: LookupOptions & CallSettings): Promise<TurnKey[]> {
    const call = this.prepare(ref, options);
    return [...(await this.list(call))];
  }

  /** {@link findTurnKeyByName} with settings of this call overriding the client's. */
  async findTurnKeyByNameWith(ref: TurnKeyNameRef, options: LookupOptions & CallSettings): Promise<TurnKey> {
    const call = this.prepare(ref, options);
    const name = this.checked(call, () => validateName(ref?.name));
    return matchName(call.accountId, name, await this.list(call));
  }

  /** The account's keys, shared with every other list, by-name and cached call of the same account. */
  private async list(call: Prepared): Promise<readonly TurnKey[]> {
    const path = this.accountPath(call);
    const shareKey = `${call.connection.id}\n${path}`;
    const known = call.cache ? this.lists.get(shareKey) : undefined;
    if (known) return known;
    const who = this.identity(call, path, {});
    return this.shared(shareKey, call, async () => {
      const keys = await this.run(call, who, (ctx) => this.pages(ctx, who, path));
      if (call.cache) this.lists.set(shareKey, keys);
      return keys;
    });
  }

  /** Follows `result_info` pages, should the API ever page this list, up to {@link MAX_LIST_PAGES}. */
  private async pages(ctx: CallContext, who: RequestIdentity, path: string): Promise<TurnKey[]> {
    const keys: TurnKey[] = [];
    for (let page = 1; ; page++) {
      const pagePath = page === 1 ? path : `${path}?page=${page}`;
      const result = await this.request(ctx, { who, path: pagePath, reader: readKeyList(ctx.call.accountId), maxBytes: MAX_LIST_BODY_BYTES });
      keys.push(...result.keys);
      if (result.totalPages === undefined || page >= result.totalPages) return keys;
      if (page >= MAX_LIST_PAGES) {
        throw new CloudflareResponseError({
          accountId: who.accountId,
          summary: `The account's TURN key list has ${result.totalPages} pages; at most ${MAX_LIST_PAGES} are read`,
          hint: "This is far more keys than an account is expected to hold; check baseUrl points at the Cloudflare API",
        });
      }
    }
  }

  /** A key already listed for its account, when the cache is on; waits for a list of that account in flight. */
  private async fromList(call: Prepared, keyId: string): Promise<TurnKey | undefined> {
    const shareKey = `${call.connection.id}\n${this.accountPath(call)}`;
    const pending = this.inFlight.get(shareKey);
    if (pending && !call.signal) await pending.catch(() => undefined);
    return this.lists.get(shareKey)?.find((k) => k.keyId === keyId);
  }

  /** Resolves settings and the account id, before anything is sent. */
  private prepare(ref: AccountRef, options: LookupOptions & CallSettings): Prepared {
    const env = options.env ?? this.options.env ?? process.env;
    const connection = this.connection(options, env);
    return {
      connection,
      accountId: this.checked({ connection }, () => validateId("accountId", ref?.accountId ?? accountIdFromEnv(env))),
      timeoutMs: wholeNumber("timeoutMs", options.timeoutMs, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      maxRetries: wholeNumber("maxRetries", options.maxRetries, this.options.maxRetries ?? DEFAULT_MAX_RETRIES, 0),
      cache: options.cache ?? this.options.cache ?? false,
      logger: options.logger ?? this.options.logger,
      dispatcher: options.dispatcher ?? this.options.dispatcher,
      signal: options.signal,
    };
  }

  /** Runs an input check; its message quotes the input, so a credential pasted there by mistake is redacted. */
  private checked<T>(call: Pick<Prepared, "connection">, check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (err instanceof TurnKeyInputError) throw new TurnKeyInputError(err.field, redactSecrets(err.message, call.connection.secrets));
      throw err;
    }
  }

  /**
   * The connection for this call's settings, then the client's, then the
   * environment's: remembered by their raw values, so that a hot loop of
   * lookups neither parses URLs and hashes credentials nor builds objects per call.
   */
  private connection(call: ConnectionSettings, env: NodeJS.ProcessEnv): Connection {
    let memoKey = "";
    for (const o of CONNECTION_SETTINGS) memoKey += `${call[o] ?? ""}\0${this.options[o] ?? ""}\0`;
    for (const name of CONNECTION_ENV) memoKey += `${env[name] ?? ""}\0`;
    // A proxy variable's absence differs from its being empty (an empty https_proxy hides HTTPS_PROXY).
    for (const name of PROXY_ENV) memoKey += `${env[name] === undefined ? "\x01" : env[name]}\0`;
    const known = this.connections.get(memoKey);
    if (known) return known;
    const connection = resolveConnection([call, this.options, connectionFromEnv(env)], env);
    if (this.connections.size >= MAX_CACHED_CONNECTIONS) this.connections.clear();
    this.connections.set(memoKey, connection);
    return connection;
  }

  private accountPath(call: Prepared): string {
    return `${call.connection.basePath}/accounts/${call.accountId}/calls/turn_keys`;
  }

  private identity(call: Prepared, path: string, extra: { keyId?: string; keyName?: string }): RequestIdentity {
    return {
      accountId: call.accountId,
      ...extra,
      what: extra.keyId === undefined ? "TURN key list" : "TURN key lookup",
      url: `${call.connection.origin}${path}`,
      secrets: call.connection.secrets,
    };
  }

  /** Identical calls in flight share one request; a call with its own signal runs alone, so aborting it really stops its request. */
  private shared<T>(shareKey: string, call: Prepared, run: () => Promise<T>): Promise<T> {
    if (call.signal) return run();
    let pending = this.inFlight.get(shareKey) as Promise<T> | undefined;
    if (!pending) {
      pending = run();
      this.inFlight.set(shareKey, pending);
      const forget = () => this.inFlight.delete(shareKey);
      pending.then(forget, forget);
    }
    return pending;
  }

  /**
   * One call under its deadline and its caller's signal: one cancellation
   * ends every wait and request of the call, whichever comes first. The
   * deadline starts once the call holds its first slot: time queued behind
   * other calls for the shared budget is not this call's to lose.
   */
  private async run<T>(call: Prepared, who: RequestIdentity, body: (ctx: CallContext) => Promise<T>): Promise<T> {
    const { signal } = call;
    if (signal?.aborted) throw abortedError(who, signal);
    const ctx = new CallContext(call);
    const onCallerAbort = () => ctx.cancel.cancel(new CallerAbort());
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      return await body(ctx);
    } catch (err) {
      if (err instanceof DeadlineError) throw timeoutError(call.timeoutMs, who, ctx.last);
      if (err instanceof CallerAbort) throw abortedError(who, signal!);
      throw err;
    } finally {
      ctx.finish();
      signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  /** The caller's dispatcher, or the client's own for the connection's proxy (or none). */
  private dispatcherFor(call: Prepared): Dispatcher {
    if (call.dispatcher) return call.dispatcher;
    const proxy = call.connection.proxy;
    const key = proxy?.uri ?? "";
    let own = this.ownDispatchers.get(key);
    if (!own) {
      own = createDispatcher(proxy);
      this.ownDispatchers.set(key, own);
    }
    return own;
  }

  /** The retry loop of one request: attempts, waits and the deadline. */
  private async request<T>(ctx: CallContext, target: Target<T>): Promise<T> {
    const { call } = ctx;
    for (let attempt = 1; ; attempt++) {
      const slot = await this.limiter.acquire(ctx.cancel, attempt > 1);
      ctx.startDeadline();
      let outcome: Interpretation<T>;
      let failure: AttemptFailure;
      try {
        const response: HttpResponse = await httpGet(call.connection.origin, target.path, call.connection.headers, ctx.cancel, this.dispatcherFor(call), target.maxBytes);
        outcome = interpretResponse(response, target.who, attempt, target.reader);
        failure = { status: response.status, headers: response.headers };
      } catch (err) {
        if (ctx.cancel.cancelled) throw ctx.cancel.reason;
        outcome = { ok: false, error: errorOfThrown(err, target.who, call.connection.proxy, attempt) };
        failure = failureOfThrown(err);
      } finally {
        slot.release();
      }
      if (outcome.ok) return outcome.value;
      ctx.last = outcome.error;
      const decision = decideRetry(failure, { attempt, maxRetries: call.maxRetries, msLeft: ctx.msLeft() });
      if (!decision.retry) throw outcome.error;
      // Rate limits are per user: every call of the client waits it out together.
      if (outcome.error.status === 429) this.limiter.pauseFor(decision.waitMs);
      call.logger?.(`retrying GET ${target.path} in ${decision.waitMs} ms (attempt ${attempt + 1} of ${call.maxRetries + 1}): ${reasonOf(outcome.error)}`);
      await sleep(decision.waitMs, ctx.cancel);
    }
  }
}

/** The cancellation, deadline and last failure of one call. */
class CallContext {
  readonly cancel = new Cancellation();
  last: CloudflareApiError | undefined;
  private deadlineAt = Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly call: Prepared) {}

  /** Starts the deadline, once. */
  startDeadline(): void {
    if (this.timer) return;
    this.deadlineAt = Date.now() + this.call.timeoutMs;
    this.timer = setTimeout(() => this.cancel.cancel(new DeadlineError()), this.call.timeoutMs);
  }

  msLeft(): number {
    return this.deadlineAt - Date.now();
  }

  finish(): void {
    clearTimeout(this.timer);
  }
}

/** Cancellation reasons of a call's own token. */
class DeadlineError extends Error {}
class CallerAbort extends Error {}

/**
 * Creates a client. Settings are checked at once where they can be (limits,
 * timeouts); the credential and base URL at the first call, so that a stack
 * whose lookups all wait on unknown values never needs one.
 *
 * @example
 * const client = createTurnKeyClient({ apiToken: process.env.CLOUDFLARE_API_TOKEN, cache: true });
 * const key = await client.findTurnKeyByName({ accountId, name: "production-realtime-app" });
 */
export function createTurnKeyClient(options: TurnKeyClientOptions = {}): TurnKeyClient {
  return new TurnKeyClientImpl(options);
}

/** `true` if `err` is one of this package's errors. */
export function isTurnKeyLookupError(err: unknown): err is TurnKeyLookupError {
  return err instanceof TurnKeyLookupError;
}
