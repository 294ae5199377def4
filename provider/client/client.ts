/**
 * The lookup client: the settings, request limits, dispatchers and planner
 * of every lookup it makes. It checks each call's input before anything is
 * sent. It knows nothing of Pulumi.
 */
import type { Dispatcher } from "undici";
import { TurnKeyInputError, TurnKeyLookupError } from "../core/errors";
import { Caller, type CallerOptions, SignalWatch } from "./flight";
import { createDispatcher } from "./http";
import { validateId, validateName } from "../core/ids";
import { RequestLimiter } from "./limits";
import { type Connection, resolveConnection } from "./connection";
import { PROXY_ENV } from "./proxy";
import { matchName } from "../core/names";
import { type LookupPlanner as Planner, LookupPlanner, type PlannedCall } from "./planner";
import { redactSecrets } from "./redact";
import type { RequestIdentity } from "./response";
import {
  CLIENT_NAMES,
  CONNECTION_ENV,
  CONNECTION_SETTINGS,
  type ConnectionSettings,
  DEFAULT_REQUEST_LIMITS,
  type RequestLimits,
  accountIdOr,
  connectionFromEnv,
  defaultOf,
  mergeLimits,
  wholeNumber,
} from "../core/settings";
import { type Route, Transport, identity } from "./transport";
import type { AccountRef, CallSettings, LookupOptions, TurnKey, TurnKeyClient, TurnKeyClientOptions, TurnKeyNameRef, TurnKeyRef } from "../core/types";

/** The implementation behind {@link TurnKeyClient}; `getTurnKey` also passes per-call settings. */
export class TurnKeyClientImpl implements TurnKeyClient {
  private readonly limiter: RequestLimiter;
  private readonly planner: Planner;
  /** The client's own keep-alive dispatchers, one per proxy ("" for direct). */
  private readonly ownDispatchers = new Map<string, Dispatcher>();
  private readonly connections = new Map<string, Connection>();
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

  // Each call also takes settings of its own (`CallSettings`), overriding the client's: the scripts' `getTurnKey` passes them.

  getTurnKey(ref: TurnKeyRef, options: LookupOptions & CallSettings = {}): Promise<TurnKey> {
    return this.run(ref, options, (plan) => {
      const keyId = validateId("keyId", ref?.keyId);
      return [identity(plan, keyId), (caller) => this.planner.key(caller, plan, keyId)];
    });
  }

  listTurnKeys(ref: AccountRef, options: LookupOptions & CallSettings = {}): Promise<TurnKey[]> {
    return this.run(ref, options, (plan) => [identity(plan), async (caller) => [...(await this.planner.list(caller, plan))]]);
  }

  findTurnKeyByName(ref: TurnKeyNameRef, options: LookupOptions & CallSettings = {}): Promise<TurnKey> {
    return this.run(ref, options, (plan) => {
      const name = validateName(ref?.name);
      return [identity(plan, undefined, name), async (caller) => matchName(plan.accountId, name, await this.planner.list(caller, plan))];
    });
  }

  /**
   * One call: its settings and input checked before anything is sent (a bad
   * input rejects the promise rather than throwing), then its plan run as
   * one caller, with its own deadline and signal, whatever it shares.
   */
  private run<T>(
    ref: AccountRef,
    options: LookupOptions & CallSettings,
    prepare: (plan: PlannedCall) => [RequestIdentity, (caller: Caller) => Promise<T>],
  ): Promise<T> {
    let secrets: readonly string[] = [];
    try {
      const env = options.env ?? this.options.env ?? process.env;
      const connection = this.connection(options, env);
      secrets = connection.secrets;
      const accountId = validateId("accountId", accountIdOr(ref?.accountId, env), connection.names);
      const plan = { connection, accountId, dispatcher: options.dispatcher ?? this.options.dispatcher, cache: options.cache ?? this.options.cache ?? false };
      const own = this.ownCaller;
      const caller = {
        timeoutMs: wholeNumber("timeoutMs", options.timeoutMs, own.timeoutMs),
        maxRetries: wholeNumber("maxRetries", options.maxRetries, own.maxRetries, 0),
        signal: options.signal,
        logger: options.logger ?? own.logger,
      };
      const [who, work] = prepare(plan);
      return new Caller(caller, who, this.signals).run(work);
    } catch (err) {
      // An input's message quotes it: a credential pasted there by mistake is redacted.
      return Promise.reject(TurnKeyInputError.isInstance(err) ? new TurnKeyInputError(err.field, redactSecrets(err.message, secrets)) : err);
    }
  }

  /** The connection of a call's settings, then the client's, then the environment's; remembered by their raw values, as a loop repeats them. */
  private connection(call: ConnectionSettings, env: NodeJS.ProcessEnv): Connection {
    // The client's own settings are fixed; an unset proxy variable differs from an empty one, which hides its upper-case twin.
    let key = "";
    for (const o of CONNECTION_SETTINGS) key += `${call[o] ?? "\u0001"}\0`;
    for (const v of CONNECTION_ENV) key += `${env[v] ?? "\u0001"}\0`;
    for (const v of PROXY_ENV) key += `${env[v] ?? "\u0001"}\0`;
    let connection = this.connections.get(key);
    if (!connection) {
      if (this.connections.size >= 32) this.connections.clear();
      connection = resolveConnection([call, this.options, connectionFromEnv(env)], env, this.options.names ?? CLIENT_NAMES);
      this.connections.set(key, connection);
    }
    return connection;
  }

  /** The caller's dispatcher, or the client's own for the connection's proxy (or none). */
  private dispatcherFor(route: Route): Dispatcher {
    if (route.dispatcher) return route.dispatcher;
    const proxy = route.connection.proxy;
    const key = proxy?.uri ?? "";
    const own = this.ownDispatchers.get(key) ?? createDispatcher(proxy);
    this.ownDispatchers.set(key, own);
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
