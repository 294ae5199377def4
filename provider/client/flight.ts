/**
 * Shared requests with callers that each keep their own options. A
 * {@link Flight} is one piece of work (a GET, a list) that identical calls
 * share; each call waits on it as a {@link Caller}, with its own deadline,
 * signal, retry allowance and logger:
 *
 * - a caller whose deadline passes, or whose signal aborts, gives up alone;
 *   the work goes on for the others, and is abandoned (its request aborted)
 *   only when no caller waits for it any more;
 * - the work retries for the most patient caller still waiting, and a
 *   caller that allows fewer retries gets the failure as soon as its
 *   allowance is spent;
 * - a caller's deadline starts when its first request may go, and holds
 *   across every flight it joins (a batched list, then a GET).
 */
import { Cancellation } from "./cancellation";
import type { CloudflareApiError } from "../core/errors";
import { abortedError, timeoutError } from "./failures";
import type { RequestIdentity } from "./response";

/** What one call brings to the requests it waits on. */
export interface CallerOptions {
  /** Total deadline of the call, in ms. */
  readonly timeoutMs: number;
  /** Retries this call allows after the first attempt. */
  readonly maxRetries: number;
  readonly signal: AbortSignal | undefined;
  readonly logger: ((message: string) => void) | undefined;
}

/** Why a flight's work was stopped: nobody waits for it any more. */
class Abandoned extends Error {}

/** One call's wait, across the flights it joins. */
export class Caller {
  /** When the call's deadline passes (ms since the epoch); `Infinity` until its first request may go. */
  deadlineAt = Infinity;
  /** The last failure seen on the call's behalf, for its timeout message. */
  last: CloudflareApiError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly flights = new Set<Flight<unknown>>();
  private readonly gaveUp: Promise<never>;
  private giveUp!: (err: Error) => void;
  private finished = false;

  constructor(
    readonly options: CallerOptions,
    readonly who: RequestIdentity,
  ) {
    this.gaveUp = new Promise<never>((_resolve, reject) => {
      this.giveUp = (err) => {
        if (this.finished) return;
        this.finish();
        reject(err);
      };
    });
    this.gaveUp.catch(() => undefined);
  }

  /**
   * Runs the call's plan: its result, unless the call's deadline or signal
   * comes first. Either way the call then leaves every flight it was in.
   */
  async run<T>(plan: (caller: Caller) => Promise<T>): Promise<T> {
    const { signal } = this.options;
    if (signal?.aborted) throw abortedError(this.who, signal);
    const onAbort = () => this.giveUp(abortedError(this.who, signal!));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([plan(this), this.gaveUp]);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.finish();
    }
  }

  /** Starts the deadline, once: from the moment the call's first request may go. */
  start(): void {
    if (this.timer !== undefined || this.finished) return;
    this.deadlineAt = Date.now() + this.options.timeoutMs;
    this.timer = setTimeout(() => this.giveUp(timeoutError(this.options.timeoutMs, this.who, this.last)), this.options.timeoutMs);
  }

  /** `true` once the call has settled: it starts and joins nothing more. */
  get gone(): boolean {
    return this.finished;
  }

  /** Gives up with `err` now (its retries are spent). */
  fail(err: Error): void {
    this.giveUp(err);
  }

  /** Waits on `flight` for as long as the call waits. */
  join<T>(flight: Flight<T>): Promise<T> {
    if (this.finished) return Promise.reject(new Abandoned("the call has already settled"));
    this.flights.add(flight);
    flight.add(this);
    return flight.result.finally(() => this.leave(flight));
  }

  private leave(flight: Flight<unknown>): void {
    this.flights.delete(flight);
    flight.remove(this);
  }

  private finish(): void {
    this.finished = true;
    clearTimeout(this.timer);
    for (const flight of [...this.flights]) this.leave(flight);
  }
}

/** One piece of work that the callers joined to it share. */
export class Flight<T> {
  /** Ends the work's waits and requests when no caller is left. */
  readonly cancel = new Cancellation();
  readonly result: Promise<T>;
  private readonly callers = new Set<Caller>();
  private started = false;
  private settled = false;

  /** Starts `work` on the next tick, once the first caller has joined. */
  constructor(work: (flight: Flight<T>) => Promise<T>) {
    this.result = Promise.resolve()
      .then(() => work(this))
      .finally(() => {
        this.settled = true;
      });
    // Callers take the outcome through `join`; an abandoned flight's rejection has no one to tell.
    this.result.catch(() => undefined);
  }

  /** The work's first request may go now: every waiting caller's deadline starts. */
  begin(): void {
    this.started = true;
    for (const caller of this.callers) caller.start();
  }

  /** Milliseconds left before the most patient waiting caller's deadline. */
  msLeft(): number {
    let latest = -Infinity;
    for (const caller of this.callers) latest = Math.max(latest, caller.deadlineAt);
    return latest - Date.now();
  }

  /**
   * After attempt `attempt` failed with `error`: callers whose retries are
   * spent get it now. Returns the most retries a waiting caller still allows
   * (`-1` when none waits).
   */
  afterFailure(attempt: number, error: CloudflareApiError): number {
    let most = -1;
    for (const caller of [...this.callers]) {
      caller.last = error;
      if (caller.options.maxRetries < attempt) caller.fail(error);
      else most = Math.max(most, caller.options.maxRetries);
    }
    return most;
  }

  /** Sends `message` to each waiting caller's logger, once per logger. */
  log(message: string): void {
    const loggers = new Set<(m: string) => void>();
    for (const caller of this.callers) if (caller.options.logger) loggers.add(caller.options.logger);
    for (const logger of loggers) logger(message);
  }

  /** @internal Used by {@link Caller.join}. */
  add(caller: Caller): void {
    this.callers.add(caller);
    if (this.started) caller.start();
  }

  /** @internal Used by {@link Caller}; the work is abandoned when the last caller leaves. */
  remove(caller: Caller): void {
    this.callers.delete(caller);
    if (this.callers.size === 0 && !this.settled) this.cancel.cancel(new Abandoned("no caller waits for this request any more"));
  }
}
