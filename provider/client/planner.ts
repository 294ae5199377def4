/**
 * The lookup planner: which request answers a call, if any. Identical calls
 * in flight share one request; with the cache on, results and permanent
 * failures are kept, a listed account's keys come from its list, and keys
 * of one account asked for together are read with one list request.
 */
import type { Dispatcher } from "undici";
import { type CloudflareApiError, CloudflareAuthError, TurnKeyNotFoundError } from "../core/errors";
import { accountFailureFor } from "./response";
import { type Caller, Flight } from "./flight";
import { type Route, type Transport, accountPath, identity } from "./transport";
import type { TurnKey } from "../core/types";

/** Distinct keys of one account, asked for together, from which one list request replaces a GET each. */
const LIST_BATCH_MIN = 4;

/** One call as the planner sees it: where it goes, and whether results are kept. */
export interface PlannedCall extends Route {
  readonly cache: boolean;
}

/** A key asked for in one turn of the event loop, and how to read it once the turn's keys are counted. */
interface Batched {
  readonly keyId: string;
  readonly start: (viaList: boolean) => void;
}

/**
 * A failure every request of the account would meet again in a run (a
 * refused credential, a missing account). A key's 404 is not: the run may
 * create the key before a later lookup (`dependsOn`).
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
  private readonly batches = new Map<string, Batched[]>();
  private readonly dispatcherIds = new WeakMap<Dispatcher, number>();
  private dispatchersSeen = 0;

  constructor(private readonly transport: Transport) {}

  /** Forgets every kept result and failure (calls in flight are not affected). */
  clear(): void {
    this.keys.clear();
    this.lists.clear();
    this.failures.clear();
  }

  /** What every planning decision about a request is keyed by: connection, dispatcher, and the list's or the key's path. */
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
    const known = call.cache ? this.lists.get(this.shareKey(call)) : undefined;
    if (known) return Promise.resolve(known);
    return this.shared<readonly TurnKey[]>(caller, call, undefined, (flight) => this.transport.listKeys(flight, call), this.lists);
  }

  /** One key by `GET`, shared with identical calls in flight. */
  private fetchKey(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    return this.shared(caller, call, keyId, (flight) => this.transport.getKey(flight, call, keyId), this.keys);
  }

  /**
   * `caller` waits on the flight of the account's list (or of the key
   * `keyId`), started with `work` when none is in flight (or the one in
   * flight was abandoned). With the cache on, a result is kept in `kept`, and
   * a permanent failure too, so the run does not send a refused request again.
   */
  private shared<T>(caller: Caller, call: PlannedCall, keyId: string | undefined, work: (flight: Flight<T>) => Promise<T>, kept: Map<string, T>): Promise<T> {
    // Permanent failures are the account's, whichever request met them; each request's message names it.
    const failure = this.failures.get(this.shareKey(call));
    if (failure !== undefined) return Promise.reject(accountFailureFor(failure, identity(call, keyId)));
    // A caller that gave up while its plan went on (a batch's list, then a GET) starts nothing.
    if (caller.finished) return Promise.reject(new Error("the call has already settled"));
    const shareKey = this.shareKey(call, keyId);
    const flight = this.inFlight.get(shareKey) as Flight<T> | undefined;
    if (flight && !flight.abandon.signal.aborted) return caller.join(flight);
    const started: Flight<T> = new Flight<T>(caller, work, (ok, outcome) => {
      if (this.inFlight.get(shareKey) === started) this.inFlight.delete(shareKey);
      if (!call.cache) return;
      if (ok) kept.set(shareKey, outcome);
      else if (isPermanent(outcome)) this.failures.set(this.shareKey(call), outcome);
    });
    this.inFlight.set(shareKey, started);
    return started.result;
  }

  /** A key already listed for its account, waiting for a list of that account in flight. */
  private async fromListInFlight(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey | undefined> {
    const listKey = this.shareKey(call);
    const pending = this.inFlight.get(listKey);
    if (pending && !pending.abandon.signal.aborted) await caller.join(pending).catch(() => undefined);
    return this.lists.get(listKey)?.find((k) => k.keyId === keyId);
  }

  /** With the cache on, keys of one account asked for in one turn of the event loop are gathered: {@link LIST_BATCH_MIN} or more make one list request. */
  private batched(caller: Caller, call: PlannedCall, keyId: string): Promise<TurnKey> {
    return new Promise<TurnKey>((resolve, reject) => {
      const listKey = this.shareKey(call);
      let batch = this.batches.get(listKey);
      if (!batch) {
        const gathered: Batched[] = [];
        this.batches.set(listKey, (batch = gathered));
        setImmediate(() => {
          this.batches.delete(listKey);
          const viaList = new Set(gathered.map((b) => b.keyId)).size >= LIST_BATCH_MIN;
          for (const b of gathered) b.start(viaList);
        });
      }
      const start = (viaList: boolean) => void (viaList ? this.viaList(caller, call, keyId) : this.fetchKey(caller, call, keyId)).then(resolve, reject);
      batch.push({ keyId, start });
    });
  }

  /** A batched key, from the account's list; by GET when the list lacks it or fails for a passing reason, so that its error names it. */
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
