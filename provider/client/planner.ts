/**
 * The lookup planner: which request answers a call, and whether one needs
 * sending at all. Identical calls in flight share one request; with the
 * cache on, results (and permanent failures) are kept, a key of a listed
 * account is taken from its list, and keys of one account asked for
 * together are read with one list request.
 */
import type { Dispatcher } from "undici";
import { type CloudflareApiError, CloudflareAuthError, TurnKeyNotFoundError } from "../core/errors";
import { type RequestIdentity, accountFailureFor } from "./response";
import { type Caller, Flight } from "./flight";
import { type Route, type Transport, accountPath, identity } from "./transport";
import type { TurnKey } from "../core/types";

/** Distinct keys of one account, asked for together, from which one list request replaces a GET each. */
const LIST_BATCH_MIN = 4;

/** One call as the planner sees it: where it goes, and whether results are kept. */
export interface PlannedCall extends Route {
  readonly cache: boolean;
}

/** Keys of one account asked for in one turn of the event loop, each with the callers waiting for it. */
interface Batch {
  readonly call: PlannedCall;
  readonly waiting: Map<string, { caller: Caller; resolve: (key: Promise<TurnKey>) => void }[]>;
}

/**
 * A failure that every request of the account would meet again within a
 * run: the credential refused (401, 403), or the account missing (a list's
 * 404). Kept for the account, so the run sends none of its requests again.
 * A key's 404 is not: the run may create the key before a later lookup
 * (`dependsOn`).
 */
function isPermanent(err: unknown): err is CloudflareApiError {
  return CloudflareAuthError.isInstance(err) || (TurnKeyNotFoundError.isInstance(err) && err.keyId === undefined);
}

/** Plans the calls of one client. */
export class LookupPlanner {
  private readonly inFlight = new Map<string, Flight<unknown>>();
  private readonly keys = new Map<string, TurnKey>();
  private readonly lists = new Map<string, readonly TurnKey[]>();
  private readonly failures = new Map<string, CloudflareApiError>();
  private readonly batches = new Map<string, Batch>();
  private readonly dispatcherIds = new WeakMap<Dispatcher, number>();
  private dispatchersSeen = 0;

  constructor(private readonly transport: Transport) {}

  /** Forgets every kept result and failure (calls in flight are not affected). */
  clear(): void {
    this.keys.clear();
    this.lists.clear();
    this.failures.clear();
  }

  /**
   * The one key that every planning decision about a request is made by:
   * the connection (origin, credential), the dispatcher, and the account
   * list's path, or one key's path when `keyId` is given.
   */
  private shareKey(call: PlannedCall, keyId?: string): string {
    return `${call.connection.id}\n${this.dispatcherId(call.dispatcher)}\n${accountPath(call)}${keyId === undefined ? "" : `/${keyId}`}`;
  }

  /** A number naming a caller's dispatcher in share keys ("" for the client's own): calls through different dispatchers never share. */
  private dispatcherId(dispatcher: Dispatcher | undefined): string {
    if (!dispatcher) return "";
    let id = this.dispatcherIds.get(dispatcher);
    if (id === undefined) this.dispatcherIds.set(dispatcher, (id = ++this.dispatchersSeen));
    return String(id);
  }

  /** One key, for `caller`. */
  key(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    return call.cache ? this.cachedKey(caller, call, keyId) : this.fetchKey(caller, call, keyId);
  }

  /** One key, with the cache on: kept, listed, or batched with the account's other keys. */
  private async cachedKey(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    const known = this.keys.get(this.shareKey(call, keyId)) ?? (await this.fromListInFlight(caller, call, keyId));
    return known ?? this.batched(caller, call, keyId);
  }

  /** The account's keys, for `caller`: shared with every other list, by-name and batched call of the account. */
  list(caller: Caller, call: PlannedCall): Promise<readonly TurnKey[]> {
    const shareKey = this.shareKey(call);
    const known = call.cache ? this.lists.get(shareKey) : undefined;
    if (known) return Promise.resolve(known);
    return this.shared<readonly TurnKey[]>(
      caller,
      call,
      identity(call),
      shareKey,
      (flight) => this.transport.listKeys(flight, call),
      (keys) => this.lists.set(shareKey, keys),
    );
  }

  /** One key by `GET`, shared with identical calls in flight. */
  private fetchKey(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    const shareKey = this.shareKey(call, keyId);
    return this.shared(
      caller,
      call,
      identity(call, keyId),
      shareKey,
      (flight) => this.transport.getKey(flight, call, keyId),
      (key) => this.keys.set(shareKey, key),
    );
  }

  /**
   * `caller` waits on the flight for `shareKey`, started with `work` when
   * none is in flight (or the one in flight was abandoned). With the cache
   * on, a result is kept with `keep`, and a permanent failure is kept too,
   * so the run does not send the same refused request again.
   */
  private shared<T>(
    caller: Caller,
    call: PlannedCall,
    who: RequestIdentity,
    shareKey: string,
    work: (flight: Flight<T>) => Promise<T>,
    keep: (value: T) => void,
  ): Promise<T> {
    // Permanent failures are the account's (and credential's), whichever request met them; each request's message names it.
    if (this.failures.size > 0) {
      const kept = this.failures.get(this.shareKey(call));
      if (kept !== undefined) return Promise.reject(accountFailureFor(kept, who));
    }
    // A caller that gave up while its plan went on (a batch's list, then a GET) starts nothing.
    if (caller.gone) return Promise.reject(new Error("the call has already settled"));
    const flight = this.inFlight.get(shareKey) as Flight<T> | undefined;
    if (flight && !flight.cancel.cancelled) return caller.join(flight);
    const started: Flight<T> = new Flight<T>(caller, work, (ok, outcome) => {
      if (this.inFlight.get(shareKey) === started) this.inFlight.delete(shareKey);
      if (!call.cache) return;
      if (ok) keep(outcome);
      else if (isPermanent(outcome)) this.failures.set(this.shareKey(call), outcome);
    });
    this.inFlight.set(shareKey, started);
    return started.result;
  }

  /** A key already listed for its account, waiting for a list of that account in flight. */
  private async fromListInFlight(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey | undefined> {
    const listKey = this.shareKey(call);
    const pending = this.inFlight.get(listKey);
    if (pending && !pending.cancel.cancelled) await caller.join(pending).catch(() => undefined);
    return this.lists.get(listKey)?.find((k) => k.keyId === keyId);
  }

  /**
   * With the cache on, keys of one account asked for in the same turn of the
   * event loop (a program's lookups, or the reads of one preview) are
   * gathered: {@link LIST_BATCH_MIN} or more are read with one list request
   * instead of a GET each, which the shared rate limit and a preview's wall
   * time both feel.
   */
  private batched(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    const listKey = this.shareKey(call);
    let batch = this.batches.get(listKey);
    if (!batch) {
      const created: Batch = { call, waiting: new Map() };
      this.batches.set(listKey, created);
      setImmediate(() => this.flush(listKey, created));
      batch = created;
    }
    const waiting = batch.waiting;
    return new Promise<Promise<TurnKey>>((resolve) => waiting.set(keyId, [...(waiting.get(keyId) ?? []), { caller, resolve }])).then((key) => key);
  }

  private flush(listKey: string, batch: Batch): void {
    this.batches.delete(listKey);
    const viaList = batch.waiting.size >= LIST_BATCH_MIN;
    for (const [keyId, waiters] of batch.waiting) {
      for (const { caller, resolve } of waiters) resolve(viaList ? this.viaList(caller, batch.call, keyId) : this.fetchKey(caller, batch.call, keyId));
    }
  }

  /**
   * A batched key, from the account's list. A key the list lacks, and every
   * key when the list fails for a passing reason, is read by GET, so its own
   * error names it; within the caller's own deadline, which the list has
   * already started. A refused credential or a missing account fails every
   * key of the batch at once: a GET would meet the same.
   */
  private async viaList(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    try {
      const found = (await this.list(caller, call)).find((k) => k.keyId === keyId);
      if (found) return found;
    } catch (err) {
      if (isPermanent(err)) throw accountFailureFor(err, identity(call, keyId));
    }
    return this.fetchKey(caller, call, keyId);
  }
}
