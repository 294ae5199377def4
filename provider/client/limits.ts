/** Request limits: a concurrency cap per client, and a token bucket per Cloudflare user, which a 429 pauses for all its lookups. */

import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "../core/settings";

/** One Cloudflare user's request budget: what is left of it, and until when a 429 paused it. */
class Budget {
  private refilledAt = Date.now();
  pausedUntil = 0;

  constructor(public tokens: number) {}

  /** Refills at `limits`' rate, up to its burst, and says how long until a request may go (0: now). */
  waitMs(limits: RequestLimits, now: number): number {
    const rate = limits.requestsPerInterval / limits.intervalMs;
    this.tokens = Math.min(limits.burst, this.tokens + (now - this.refilledAt) * rate);
    this.refilledAt = now;
    return Math.max(this.pausedUntil - now, this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / rate), 0);
  }
}

/**
 * Every Cloudflare user's budget in this process, by connection id (a hash
 * of the API's origin and the credential: no secret, no result).
 * Process-wide on purpose: Cloudflare counts a user's requests across every
 * tool, so every client with that credential spends from one budget.
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

/** A client's concurrency cap, over the budgets of the users it sends for. One per client. */
export class RequestLimiter {
  private active = 0;
  /** Requests waiting for a slot: the budget each spends, and how to grant it. */
  private readonly waiters: { readonly budget: Budget; readonly grant: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** @param limits the limits in force, until {@link configure} replaces them. */
  constructor(private limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS }) {}

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
   * Takes a concurrency slot and a token of `user`'s budget, once both are
   * free; a `retry` goes first, having waited out a failure already. Gives the
   * slot's release (call it once), or the signal's reason if it aborts first.
   */
  acquire(user: string, signal?: AbortSignal, retry = false): (() => void) | Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const budget = budgetOf(user, this.limits);
    if (this.waiters.length === 0 && this.active < this.limits.maxConcurrency && budget.waitMs(this.limits, Date.now()) === 0) return this.grant(budget);
    return new Promise<() => void>((resolve, reject) => {
      const abort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason as Error);
      };
      const waiter = {
        budget,
        grant: () => {
          signal?.removeEventListener("abort", abort);
          resolve(this.grant(budget));
        },
      };
      signal?.addEventListener("abort", abort, { once: true });
      if (retry) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Takes a concurrency slot and a token of `budget`; returns the slot's release. */
  private grant(budget: Budget): () => void {
    this.active++;
    budget.tokens--;
    return () => {
      this.active--;
      this.pump();
    };
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
    const again = () => {
      this.timer = undefined;
      this.pump();
    };
    this.timer = setTimeout(again, Math.max(wait, 1));
  }
}
