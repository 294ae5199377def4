/**
 * Shared requests with callers that each keep their own options. A
 * {@link Flight} is one piece of work (a GET, a list) that identical calls
 * share; each call waits on it as a {@link Caller}, with its own deadline,
 * signal, retry allowance and logger:
 *
 * - a caller whose deadline passes, or whose signal aborts, gives up alone;
 *   the work is abandoned (its request aborted) when no caller waits for it;
 * - the work retries for the most patient caller still waiting; a caller
 *   that allows fewer retries gets the failure when its allowance is spent;
 * - a caller's deadline starts when its first request may go, and holds
 *   across every flight it joins (a batched list, then a GET).
 */
import type { CloudflareApiError } from "../core/errors";
import { abortedError, timeoutError } from "./requestErrors";
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

/** `run(arg)`'s promise, a throw its rejection: no promise of its own, as `new Promise` would make per call. */
function promiseOf<A, T>(run: (arg: A) => Promise<T>, arg: A): Promise<T> {
  try {
    return run(arg);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Why a flight's work was stopped: nobody waits for it any more. */
class Abandoned extends Error {}

/** The callers waiting on each abort signal: one listener per signal, however many lookups share it (Node.js warns past ten). */
export class SignalWatch {
  private readonly watched = new WeakMap<AbortSignal, { readonly callers: Set<Caller>; readonly listener: () => void }>();

  /** `caller` gives up when `signal` aborts, until it is unwatched. */
  watch(signal: AbortSignal, caller: Caller): void {
    let entry = this.watched.get(signal);
    if (!entry) {
      const callers = new Set<Caller>();
      const listener = () => {
        this.watched.delete(signal);
        for (const c of callers) c.fail(abortedError(c.who, signal));
      };
      entry = { callers, listener };
      this.watched.set(signal, entry);
      signal.addEventListener("abort", listener, { once: true });
    }
    entry.callers.add(caller);
  }

  /** `caller` no longer waits on `signal`; the last caller takes the listener off. */
  unwatch(signal: AbortSignal, caller: Caller): void {
    const entry = this.watched.get(signal);
    if (!entry?.callers.delete(caller) || entry.callers.size > 0) return;
    this.watched.delete(signal);
    signal.removeEventListener("abort", entry.listener);
  }
}

/** One call's wait, across the flights it joins. */
export class Caller {
  /** When the call's deadline passes (ms since the epoch); `Infinity` until its first request may go. */
  deadlineAt = Infinity;
  /** The last failure seen on the call's behalf, for its timeout message. */
  last: CloudflareApiError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly flights: Flight<unknown>[] = [];
  private reject: ((err: Error) => void) | undefined;
  /** `true` once the call has settled: it starts and joins nothing more. */
  finished = false;

  constructor(
    readonly options: CallerOptions,
    readonly who: RequestIdentity,
    private readonly signals: SignalWatch,
  ) {}

  /** Runs the call's plan: its result, unless its deadline or signal comes first; then it leaves every flight it was in. */
  run<T>(plan: (caller: Caller) => Promise<T>): Promise<T> {
    const { signal } = this.options;
    if (signal?.aborted) return Promise.reject(abortedError(this.who, signal));
    return new Promise<T>((resolve, reject) => {
      this.reject = reject;
      if (signal) this.signals.watch(signal, this);
      promiseOf(plan, this).then(
        (value) => {
          if (this.finished) return;
          this.finish();
          resolve(value);
        },
        (err: Error) => this.fail(err),
      );
    });
  }

  /** Starts the deadline, once: from the moment the call's first request may go. */
  start(): void {
    if (this.timer !== undefined || this.finished) return;
    this.deadlineAt = Date.now() + this.options.timeoutMs;
    this.timer = setTimeout(() => this.fail(timeoutError(this.options.timeoutMs, this.who, this.last)), this.options.timeoutMs);
  }

  /** Settles the call with `err` now (its deadline passed, its signal aborted, or its retries are spent), unless it has settled. */
  fail(err: Error): void {
    if (this.finished) return;
    this.finish();
    this.reject?.(err);
  }

  /** Waits on `flight` for as long as the call waits. */
  join<T>(flight: Flight<T>): Promise<T> {
    if (this.finished) return Promise.reject(new Abandoned("the call has already settled"));
    this.enter(flight);
    return flight.result;
  }

  /** @internal Used by {@link join}, and by a {@link Flight} for the caller that starts it. */
  enter(flight: Flight<unknown>): void {
    this.flights.push(flight);
    flight.add(this);
  }

  private finish(): void {
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.options.signal) this.signals.unwatch(this.options.signal, this);
    for (const flight of this.flights) flight.remove(this);
    this.flights.length = 0;
  }
}

/** One piece of work that the callers joined to it share. */
export class Flight<T> {
  /** Ends the work's waits and requests when no caller is left. */
  readonly abandon = new AbortController();
  /** The work's outcome; a rejection is always handled (by `settled`), so an abandoned flight's is never unhandled. */
  readonly result: Promise<T>;
  private readonly callers: Caller[] = [];
  private started = false;
  private done = false;

  /** Starts `work` at once, with `first` already waiting on it; `settled` hears the outcome before any caller does. */
  constructor(first: Caller, work: (flight: Flight<T>) => Promise<T>, settled: (...outcome: [ok: true, value: T] | [ok: false, error: unknown]) => void) {
    first.enter(this);
    this.result = promiseOf(work, this);
    this.result.then(
      (value) => {
        this.done = true;
        settled(true, value);
      },
      (err: unknown) => {
        this.done = true;
        settled(false, err);
      },
    );
  }

  /** The work's first request may go now: every waiting caller's deadline starts. */
  begin(): void {
    this.started = true;
    for (const caller of this.callers) caller.start();
  }

  /** Milliseconds left before the most patient waiting caller's deadline. */
  msLeft(): number {
    return Math.max(...this.callers.map((c) => c.deadlineAt)) - Date.now();
  }

  /** After attempt `attempt` failed with `error`, callers whose retries are spent get it; returns the most retries a caller left allows (`-1`: none left). */
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
    for (const logger of new Set(this.callers.map((c) => c.options.logger))) logger?.(message);
  }

  /** @internal Used by {@link Caller.join}. */
  add(caller: Caller): void {
    this.callers.push(caller);
    if (this.started) caller.start();
  }

  /** @internal Used by {@link Caller}; the work is abandoned when the last caller leaves. */
  remove(caller: Caller): void {
    const i = this.callers.indexOf(caller);
    if (i >= 0) this.callers.splice(i, 1);
    if (this.callers.length === 0 && !this.done) this.abandon.abort(new Abandoned("no caller waits for this request any more"));
  }
}
