/**
 * The lookup client: one object holding the settings, request limits,
 * connections and planner (results, in-flight sharing) of every lookup it
 * makes. It checks each call's input before anything is sent, then lets the
 * call wait, with its own deadline and signal, on what the planner decides.
 * It knows nothing of Pulumi.
 */
import type { Dispatcher } from "undici";
import { TurnKeyInputError, TurnKeyLookupError } from "../core/errors";
import { Caller, type CallerOptions, SignalWatch } from "./flight";
import { createDispatcher } from "./http";
import { validateId, validateName } from "../core/ids";
import { RequestLimiter } from "./limits";
import { type Connection, resolveConnection } from "./connection";
import { matchName } from "../core/names";
import { type LookupPlanner as Planner, LookupPlanner, type PlannedCall } from "./planner";
import { PROXY_ENV } from "./proxy";
import { redactSecrets } from "./redact";
import type { RequestIdentity } from "./response";
import {
  CLIENT_NAMES,
  CONNECTION_ENV,
  CONNECTION_SETTINGS,
  type ConnectionSettings,
  DEFAULT_REQUEST_LIMITS,
  type RequestLimits,
  accountIdFromEnv,
  connectionFromEnv,
  defaultOf,
  mergeLimits,
  wholeNumber,
} from "../core/settings";
import { type Route, Transport, identity } from "./transport";
import type { AccountRef, CallSettings, LookupOptions, TurnKey, TurnKeyClient, TurnKeyClientOptions, TurnKeyNameRef, TurnKeyRef } from "../core/types";

/** Distinct settings whose resolved connection is remembered. */
const MAX_CACHED_CONNECTIONS = 32;

/** One call, checked: where it goes, whether results are kept, and what the caller waits with. */
interface Prepared {
  readonly plan: PlannedCall;
  readonly caller: CallerOptions;
}

/** The implementation behind {@link TurnKeyClient}; `getTurnKey` also passes per-call settings. */
export class TurnKeyClientImpl implements TurnKeyClient {
  private readonly limiter: RequestLimiter;
  private readonly planner: Planner;
  /** The client's own keep-alive dispatchers, one per proxy ("" for direct). */
  private readonly ownDispatchers = new Map<string, Dispatcher>();
  private readonly connections = new Map<string, Connection>();
  /** The raw settings of the call being prepared, in a fixed order (reused: read and compared, never kept). */
  private readonly settingValues: (string | undefined)[] = [];
  /** The last call's raw settings and their connection. */
  private lastConnection: { readonly values: readonly (string | undefined)[]; readonly connection: Connection } | undefined;
  /** The callers waiting on each abort signal given to a call. */
  private readonly signals = new SignalWatch();
  /** What a call that sets none of its own brings to its wait: the client's deadline, retries and logger. */
  private readonly ownCaller: CallerOptions;

  /** A copy of the options given at creation: changing the caller's object later changes nothing here. */
  private readonly options: TurnKeyClientOptions;

  constructor(options: TurnKeyClientOptions = {}) {
    this.options = { ...options };
    this.limiter = new RequestLimiter(mergeLimits(DEFAULT_REQUEST_LIMITS, options.limits ?? {}));
    this.planner = new LookupPlanner(new Transport(this.limiter, (route) => this.dispatcherFor(route)));
    this.ownCaller = {
      timeoutMs: wholeNumber("timeoutMs", options.timeoutMs, defaultOf("timeoutMs")),
      maxRetries: wholeNumber("maxRetries", options.maxRetries, defaultOf("maxRetries"), 0),
      signal: undefined,
      logger: options.logger,
    };
  }

  get limits(): Readonly<RequestLimits> {
    return this.limiter.current;
  }

  configureLimits(limits: Partial<RequestLimits>): void {
    this.limiter.configure(mergeLimits(this.limiter.current, limits));
  }

  clearCache(): void {
    this.planner.clear();
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

  // The three calls below are not `async`: a call is a promise and little
  // else, so they reject with a bad input's error rather than throw it.

  /** {@link getTurnKey} with settings of this call overriding the client's. */
  getTurnKeyWith(ref: TurnKeyRef, options: LookupOptions & CallSettings): Promise<TurnKey> {
    try {
      const call = this.prepare(ref, options);
      const keyId = this.checked(call.plan.connection, () => validateId("keyId", ref?.keyId));
      return this.wait(call, identity(call.plan, keyId), (caller) => this.planner.key(caller, call.plan, keyId));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** {@link listTurnKeys} with settings of this call overriding the client's. */
  listTurnKeysWith(ref: AccountRef, options: LookupOptions & CallSettings): Promise<TurnKey[]> {
    try {
      const call = this.prepare(ref, options);
      return this.wait(call, identity(call.plan), async (caller) => [...(await this.planner.list(caller, call.plan))]);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** {@link findTurnKeyByName} with settings of this call overriding the client's. */
  findTurnKeyByNameWith(ref: TurnKeyNameRef, options: LookupOptions & CallSettings): Promise<TurnKey> {
    try {
      const call = this.prepare(ref, options);
      const name = this.checked(call.plan.connection, () => validateName(ref?.name));
      return this.wait(call, identity(call.plan, undefined, name), async (caller) =>
        matchName(call.plan.accountId, name, await this.planner.list(caller, call.plan)),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Runs a call's plan as one caller: its own deadline and signal, whatever it shares. */
  private wait<T>(call: Prepared, who: RequestIdentity, plan: (caller: Caller) => Promise<T>): Promise<T> {
    return new Caller(call.caller, who, this.signals).run(plan);
  }

  /** Resolves settings and the account id, before anything is sent. */
  private prepare(ref: AccountRef, options: LookupOptions & CallSettings): Prepared {
    const env = options.env ?? this.options.env ?? process.env;
    const connection = this.connection(options, env);
    const accountId = this.checked(connection, () => validateId("accountId", ref?.accountId ?? accountIdFromEnv(env), connection.names));
    const own = this.ownCaller;
    const { timeoutMs, maxRetries, signal, logger } = options;
    return {
      plan: { connection, accountId, dispatcher: options.dispatcher ?? this.options.dispatcher, cache: options.cache ?? this.options.cache ?? false },
      caller:
        timeoutMs === undefined && maxRetries === undefined && signal === undefined && logger === undefined
          ? own
          : {
              timeoutMs: wholeNumber("timeoutMs", timeoutMs, own.timeoutMs),
              maxRetries: wholeNumber("maxRetries", maxRetries, own.maxRetries, 0),
              signal,
              logger: logger ?? own.logger,
            },
    };
  }

  /** Runs an input check; its message quotes the input, so a credential pasted there by mistake is redacted. */
  private checked<T>(connection: Connection, check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (TurnKeyInputError.isInstance(err)) throw new TurnKeyInputError(err.field, redactSecrets(err.message, connection.secrets));
      throw err;
    }
  }

  /**
   * The connection for this call's settings, then the client's, then the
   * environment's: remembered by their raw values, so that a hot loop of
   * lookups neither parses URLs and hashes credentials nor builds objects
   * per call. The last call's values are compared first, one by one: most
   * loops repeat one set of settings.
   */
  private connection(call: ConnectionSettings, env: NodeJS.ProcessEnv): Connection {
    const values = this.settingValues;
    let i = 0;
    for (const o of CONNECTION_SETTINGS) values[i++] = call[o];
    for (const name of CONNECTION_ENV) values[i++] = env[name];
    // A proxy variable's absence differs from its being empty (an empty https_proxy hides HTTPS_PROXY).
    for (const name of PROXY_ENV) values[i++] = env[name];
    // The client's own settings are fixed (copied at creation), so its memo is keyed by the call's and the environment's alone.
    const last = this.lastConnection;
    if (last && values.every((v, j) => v === last.values[j])) return last.connection;
    const memoKey = values.map((v) => (v === undefined ? "\x01" : v)).join("\0");
    let connection = this.connections.get(memoKey);
    if (!connection) {
      connection = resolveConnection([call, this.options, connectionFromEnv(env)], env, this.options.names ?? CLIENT_NAMES);
      if (this.connections.size >= MAX_CACHED_CONNECTIONS) this.connections.clear();
      this.connections.set(memoKey, connection);
    }
    this.lastConnection = { values: [...values], connection };
    return connection;
  }

  /** The caller's dispatcher, or the client's own for the connection's proxy (or none). */
  private dispatcherFor(route: Route): Dispatcher {
    if (route.dispatcher) return route.dispatcher;
    const proxy = route.connection.proxy;
    const key = proxy?.uri ?? "";
    let own = this.ownDispatchers.get(key);
    if (!own) {
      own = createDispatcher(proxy);
      this.ownDispatchers.set(key, own);
    }
    return own;
  }
}

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

/** `true` if `err` is one of this package's errors, made by any copy of the package. */
export function isTurnKeyLookupError(err: unknown): err is TurnKeyLookupError {
  return TurnKeyLookupError.isInstance(err);
}
