/** The transport: a flight's requests, through the request limits, retried as `decideRetry` says while a waiting caller allows. */
import type { Dispatcher } from "undici";
import { setTimeout as sleep } from "node:timers/promises";
import { CloudflareApiError, CloudflareResponseError } from "../core/errors";
import { errorOfThrown, failureOfThrown, reasonOf } from "./requestErrors";
import type { Flight } from "./flight";
import { type HttpResponse, MAX_BODY_BYTES, MAX_LIST_BODY_BYTES, httpGet } from "./http";
import type { RequestLimiter } from "./limits";
import { type RequestIdentity, type ResultReader, interpretResponse, readKey, readKeyList } from "./response";
import { type AttemptFailure, decideRetry } from "./retry";
import type { Connection } from "./connection";
import { settingLabel } from "../core/settings";
import type { TurnKey } from "../core/types";

/** Most pages of a list followed, should a server ever page it: 50 pages is far past any real account. */
const MAX_LIST_PAGES = 50;

/** Where one call's requests go: checked settings, before anything is sent. */
export interface Route {
  readonly connection: Connection;
  readonly accountId: string;
  /** The caller's dispatcher, or `undefined` for the client's own. */
  readonly dispatcher: Dispatcher | undefined;
}

/** The path of the account's key list. */
export function accountPath(route: Route): string {
  return `${route.connection.basePath}/accounts/${route.accountId}/calls/turn_keys`;
}

/** Who a request of `route` is about, for messages: the account's list, or the key `keyId` (or named `keyName`). */
export function identity(route: Route, keyId?: string, keyName?: string): RequestIdentity {
  return {
    accountId: route.accountId,
    keyId,
    keyName,
    what: keyId === undefined ? "TURN key list" : "TURN key lookup",
    url: `${route.connection.origin}${accountPath(route)}${keyId === undefined ? "" : `/${keyId}`}`,
    secrets: route.connection.secrets,
    names: route.connection.names,
  };
}

/** One request of a flight. */
interface Target<T> {
  readonly who: RequestIdentity;
  readonly path: string;
  readonly reader: ResultReader<T>;
  readonly maxBytes: number;
}

/** Sends the requests of flights. One per client: every request shares its limiter. */
export class Transport {
  constructor(
    private readonly limiter: RequestLimiter,
    private readonly dispatcherFor: (route: Route) => Dispatcher,
  ) {}

  /** One key by `GET`. */
  getKey(flight: Flight<TurnKey>, route: Route, keyId: string): Promise<TurnKey> {
    const who = identity(route, keyId);
    return this.request(flight, route, { who, path: `${accountPath(route)}/${keyId}`, reader: readKey(route.accountId, keyId), maxBytes: MAX_BODY_BYTES });
  }

  /** The account's keys, following `result_info` pages should the API ever page this list, up to {@link MAX_LIST_PAGES}. */
  async listKeys(flight: Flight<readonly TurnKey[]>, route: Route): Promise<TurnKey[]> {
    const who = identity(route);
    const path = accountPath(route);
    const keys: TurnKey[] = [];
    for (let page = 1; ; page++) {
      const pagePath = page === 1 ? path : `${path}?page=${page}`;
      const result = await this.request(flight, route, { who, path: pagePath, reader: readKeyList(route.accountId), maxBytes: MAX_LIST_BODY_BYTES });
      keys.push(...result.keys);
      if (result.totalPages === undefined || page >= result.totalPages) return keys;
      if (page >= MAX_LIST_PAGES) {
        throw new CloudflareResponseError({
          accountId: who.accountId,
          summary: `The account's TURN key list has ${result.totalPages} pages; at most ${MAX_LIST_PAGES} are read`,
          hint: `This is far more keys than an account is expected to hold; check that ${settingLabel("baseUrl", who.names)} points at the Cloudflare API`,
        });
      }
    }
  }

  /** The retry loop of one request: attempts, waits, and the waiting callers' deadlines and allowances. */
  private async request<T>(flight: Flight<unknown>, route: Route, target: Target<T>): Promise<T> {
    const { connection } = route;
    for (let attempt = 1; ; attempt++) {
      const acquired = this.limiter.acquire(connection.id, flight.abandon.signal, attempt > 1);
      const release = typeof acquired === "function" ? acquired : await acquired;
      flight.begin();
      let response: HttpResponse | undefined;
      let error: CloudflareApiError;
      let failure: AttemptFailure;
      try {
        const { signal } = flight.abandon;
        response = await httpGet(
          { origin: connection.origin, path: target.path, headers: connection.headers },
          signal,
          this.dispatcherFor(route),
          target.maxBytes,
        );
        const read = interpretResponse(response, target.who, attempt, target.reader);
        return read instanceof Promise ? await read : read;
      } catch (err) {
        if (flight.abandon.signal.aborted) throw flight.abandon.signal.reason;
        error = CloudflareApiError.isInstance(err) ? err : errorOfThrown(err, target.who, connection.proxy, attempt);
        failure = response ?? failureOfThrown(err);
      } finally {
        release();
      }
      const maxRetries = flight.afterFailure(attempt, error);
      const decision = decideRetry(failure, { attempt, maxRetries, msLeft: flight.msLeft() });
      if (!decision.retry) throw error;
      // Rate limits are per user: every call of that user, in every client, waits it out together.
      if (error.status === 429) this.limiter.pauseFor(connection.id, decision.waitMs);
      flight.log(`retrying GET ${target.path} in ${decision.waitMs} ms (attempt ${attempt + 1} of ${maxRetries + 1}): ${reasonOf(error)}`);
      await sleep(decision.waitMs, undefined, { signal: flight.abandon.signal });
    }
  }
}
