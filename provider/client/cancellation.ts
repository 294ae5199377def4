/**
 * A light cancellation token for one lookup: its deadline and its caller's
 * signal end every wait and request through it. Lighter than an
 * AbortController, whose EventTarget listeners cost more than a lookup's
 * own work on a fast loopback path.
 */
export class Cancellation {
  /** One listener as itself (the common case: the request in flight), more in a set. */
  private listeners: ((reason: unknown) => void) | Set<(reason: unknown) => void> | undefined;
  private why: unknown;
  private done = false;

  /** `true` once cancelled. */
  get cancelled(): boolean {
    return this.done;
  }

  /** Why it was cancelled (`undefined` until then). */
  get reason(): unknown {
    return this.why;
  }

  /** Cancels with `reason` and tells every listener, once. */
  cancel(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.why = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (typeof listeners === "function") listeners(reason);
    else listeners?.forEach((l) => l(reason));
  }

  /** Calls `listener` on cancellation (at once if already cancelled); returns a function that stops listening. */
  onCancel(listener: (reason: unknown) => void): () => void {
    if (this.done) {
      listener(this.why);
      return noop;
    }
    const current = this.listeners;
    if (current === undefined) this.listeners = listener;
    else if (typeof current === "function") this.listeners = new Set([current, listener]);
    else current.add(listener);
    return () => this.off(listener);
  }

  private off(listener: (reason: unknown) => void): void {
    const current = this.listeners;
    if (current === listener) this.listeners = undefined;
    else if (typeof current === "object") current.delete(listener);
  }
}

function noop(): void {}

/** Resolves after `ms`, or rejects with the reason as soon as `cancel` is cancelled. */
export function sleep(ms: number, cancel: Cancellation): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = cancel.onCancel((reason) => {
      clearTimeout(timer);
      reject(reason);
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
}
