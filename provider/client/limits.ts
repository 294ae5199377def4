/**
 * Request limits: a concurrency cap per client, and a request budget per
 * Cloudflare user (a token bucket sized from Cloudflare's 1,200 requests per
 * five minutes per user) with a shared pause that a 429 sets, so that every
 * waiting lookup of that user backs off together.
 */

import type { Cancellation } from "./cancellation";
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "../core/settings";

/** A slot handed out by {@link RequestLimiter.acquire}; call `release` once the request is done. */
class Slot {
  private released = false;

  constructor(private readonly limiter: RequestLimiter) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.limiter.released();
  }
}

/** One Cloudflare user's request budget: what is left of it, and until when a 429 paused it. */
class Budget {
  private tokens: number;
  private refilledAt = Date.now();
  pausedUntil = 0;

  constructor(burst: number) {
    this.tokens = burst;
  }

  /** Refills at `limits`' rate, up to its burst, and says how long until a request may go (0: now). */
  waitMs(limits: RequestLimits, now: number): number {
    const rate = limits.requestsPerInterval / limits.intervalMs;
    this.tokens = Math.min(limits.burst, this.tokens + (now - this.refilledAt) * rate);
    this.refilledAt = now;
    return Math.max(this.pausedUntil - now, this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / rate), 0);
  }

  take(): void {
    this.tokens--;
  }
}

/**
 * Every Cloudflare user's budget in this process, by connection id (a hash
 * of the API's origin and the credential: no secret, no result). Cloudflare
 * counts requests per user, across every tool, so every client of the
 * process with that credential (each program run's, the default client,
 * a script's own) spends from one budget; different credentials never share.
 * Process-wide on purpose, as the budget it mirrors is.
 */
const BUDGETS = new Map<string, Budget>();
/** Distinct users' budgets kept; past it, the oldest is forgotten (and starts afresh if used again). */
const MAX_BUDGETS = 1_000;

function budgetOf(user: string, limits: RequestLimits): Budget {
  let budget = BUDGETS.get(user);
  if (!budget) {
    if (BUDGETS.size >= MAX_BUDGETS) BUDGETS.delete(BUDGETS.keys().next().value!);
    BUDGETS.set(user, (budget = new Budget(limits.burst)));
  }
  return budget;
}

/** A request waiting for its slot: the user whose budget it spends, and how to grant it. */
interface Waiter {
  readonly budget: Budget;
  readonly grant: () => void;
}

/** A client's concurrency cap, over the budgets of the users it sends for. One per client. */
export class RequestLimiter {
  private limits: RequestLimits;
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS }) {
    this.limits = limits;
  }

  /** Replaces the limits; the users' budgets keep what they have left, within the new burst. */
  configure(limits: RequestLimits): void {
    this.limits = limits;
    this.pump();
  }

  /** The limits in force. */
  get current(): Readonly<RequestLimits> {
    return this.limits;
  }

  /** Makes every lookup of `user` that has not yet sent wait until `ms` from now (a 429's advice), in every client. */
  pauseFor(user: string, ms: number): void {
    const budget = budgetOf(user, this.limits);
    budget.pausedUntil = Math.max(budget.pausedUntil, Date.now() + ms);
  }

  /**
   * Waits for a concurrency slot and a token of `user`'s budget, then takes
   * both. A `retry` goes to the front of the queue: a lookup that has
   * already waited out a failure is not sent behind every lookup that
   * arrived since. Rejects with the cancellation's reason if `cancel` fires first.
   * Returns the slot itself, not a promise, when it can be had at once.
   */
  acquire(user: string, cancel?: Cancellation, retry = false): Slot | Promise<Slot> {
    if (cancel?.cancelled) return Promise.reject(cancel.reason);
    const budget = budgetOf(user, this.limits);
    // Nobody queued, a slot free and a token left: granted at once, with no promise to wait on.
    if (this.waiters.length === 0 && this.active < this.limits.maxConcurrency && budget.waitMs(this.limits, Date.now()) === 0) return this.grant(budget);
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        budget,
        grant: () => {
          stop?.();
          resolve(this.grant(budget));
        },
      };
      const stop = cancel?.onCancel((reason) => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(reason);
      });
      if (retry) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Takes a concurrency slot and a token of `budget`. */
  private grant(budget: Budget): Slot {
    this.active++;
    budget.take();
    return new Slot(this);
  }

  /** @internal A slot was released: its place goes to the next waiter. */
  released(): void {
    this.active--;
    this.pump();
  }

  /** Grants what can be granted now, in order (a user out of budget does not hold up another), and sets a timer for the rest. */
  private pump(): void {
    const now = Date.now();
    let wait = Infinity;
    for (let i = 0; i < this.waiters.length && this.active < this.limits.maxConcurrency;) {
      const waiter = this.waiters[i];
      const ms = waiter.budget.waitMs(this.limits, now);
      if (ms === 0) {
        this.waiters.splice(i, 1);
        waiter.grant();
      } else {
        wait = Math.min(wait, ms);
        i++;
      }
    }
    // Another client of the same user may spend the budget meanwhile: the timer only says when to look again.
    if (wait === Infinity || this.timer || this.active >= this.limits.maxConcurrency) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(wait, 1),
    );
  }
}
