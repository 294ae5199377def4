/**
 * Request limits shared by every lookup of one client: a concurrency cap, a
 * client-side request budget (a token bucket sized from Cloudflare's 1,200
 * requests per five minutes per user), and a shared pause that a 429 sets so
 * that every waiting lookup backs off together.
 */

import type { Cancellation } from "./cancellation";
import { TurnKeyInputError } from "./errors";
import { LIMIT_SETTINGS, defaultOf, setting, wholeNumber } from "./settings";

/** Tunable limits of a client's requests. */
export interface RequestLimits {
  /** Most requests in flight at once in this process. Default 16. */
  maxConcurrency: number;
  /** Requests the budget refills per `intervalMs`. Default 1,200. */
  requestsPerInterval: number;
  /** The budget's refill period in ms. Default 300,000 (five minutes). */
  intervalMs: number;
  /** Requests that may go at once before the refill rate applies. Default 600: half the window, leaving room for the user's other tools. */
  burst: number;
}

/** The defaults of {@link RequestLimits}, from the settings table. */
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = Object.freeze(
  Object.fromEntries(LIMIT_SETTINGS.map((option) => [option, defaultOf(option)])) as unknown as RequestLimits,
);

/** A slot handed out by {@link RequestLimiter.acquire}; call `release` once the request is done. */
export interface Slot {
  release(): void;
}

/** Concurrency cap, token bucket and shared pause. One per client. */
export class RequestLimiter {
  private limits: RequestLimits;
  private active = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private readonly waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS }) {
    this.limits = limits;
    this.tokens = limits.burst;
  }

  /** Replaces the limits; the budget restarts full. */
  configure(limits: RequestLimits): void {
    this.limits = limits;
    this.tokens = limits.burst;
    this.refilledAt = Date.now();
    this.pump();
  }

  /** The limits in force. */
  get current(): Readonly<RequestLimits> {
    return this.limits;
  }

  /** Makes every lookup that has not yet sent wait until `ms` from now (a 429's advice). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /**
   * Waits for a concurrency slot and a budget token, then takes both.
   * A `retry` goes to the front of the queue: a lookup that has already
   * waited out a failure is not sent behind every lookup that arrived since.
   * Rejects with the cancellation's reason if `cancel` fires first.
   */
  acquire(cancel?: Cancellation, retry = false): Promise<Slot> {
    if (cancel?.cancelled) return Promise.reject(cancel.reason);
    return new Promise<Slot>((resolve, reject) => {
      const grant = () => {
        stop?.();
        this.active++;
        this.tokens--;
        let released = false;
        resolve({
          release: () => {
            if (released) return;
            released = true;
            this.active--;
            this.pump();
          },
        });
      };
      const stop = cancel?.onCancel((reason) => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(reason);
      });
      if (retry) this.waiters.unshift(grant);
      else this.waiters.push(grant);
      this.pump();
    });
  }

  private refill(now: number): void {
    const rate = this.limits.requestsPerInterval / this.limits.intervalMs;
    this.tokens = Math.min(this.limits.burst, this.tokens + (now - this.refilledAt) * rate);
    this.refilledAt = now;
  }

  /** Grants what can be granted now and sets a timer for the rest. */
  private pump(): void {
    const now = Date.now();
    this.refill(now);
    while (this.waiters.length > 0 && this.active < this.limits.maxConcurrency && this.tokens >= 1 && now >= this.pausedUntil) {
      this.waiters.shift()!();
    }
    if (this.waiters.length === 0 || this.timer || this.active >= this.limits.maxConcurrency) return;
    const rate = this.limits.requestsPerInterval / this.limits.intervalMs;
    const wait = Math.max(this.pausedUntil - now, this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / rate), 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
  }
}

/**
 * `current` with `changes` applied, each checked: a value that is not a
 * positive whole number is a {@link TurnKeyInputError} naming it.
 */
export function mergeLimits(current: Readonly<RequestLimits>, changes: Partial<RequestLimits>): RequestLimits {
  const next = { ...current };
  for (const field of LIMIT_SETTINGS) {
    next[field] = wholeNumber(field, changes[field], current[field]);
  }
  return next;
}

/**
 * The limits the stack config sets (`turnKeyLookup:maxConcurrency`, ...), read
 * through `get`. A value that is not a whole number is a {@link TurnKeyInputError} naming its key.
 */
export function limitsFromConfig(get: (configKey: string) => string | undefined): Partial<RequestLimits> {
  const limits: Partial<RequestLimits> = {};
  for (const field of LIMIT_SETTINGS) {
    const configKey = setting(field).configKey!;
    const raw = get(configKey);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw.trim())) throw new TurnKeyInputError(field, `${configKey} must be a whole number; got ${JSON.stringify(raw)}.`);
    limits[field] = Number(raw.trim());
  }
  return limits;
}
