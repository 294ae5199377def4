/**
 * The retry decision, in one place: statuses, network codes, TLS failures,
 * the server's `Retry-After`, backoff and the lookup's deadline meet here.
 */

/**
 * The retry policy: backoff from 0.5 s to 8 s, the longest wait a server's
 * `Retry-After` may ask, and the share of a step taken off at random so that
 * lookups that failed together do not retry together.
 */
const RETRY_POLICY = { baseBackoffMs: 500, maxBackoffMs: 8_000, maxRetryAfterMs: 30_000, jitter: 0.25 } as const;

/** undici and Node.js error codes of transient connection failures. */
const TRANSIENT_NETWORK_CODES = new Set([
  ...["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"],
  ...["UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED"],
]);

/** Error codes of a failed TLS handshake or certificate check: permanent until someone fixes the setup. */
const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME/i;

/** The error code of a network error or its cause, if any. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** `true` if `code` is a TLS or certificate failure. */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && TLS_CODE.test(code);
}

/** How an attempt failed: an HTTP status with its headers, or a network error code (or neither, for a bad body). */
export type AttemptFailure =
  { readonly status: number; readonly headers: Readonly<Record<string, string | string[] | undefined>> } | { readonly networkCode: string | undefined };

/** Where the lookup stands: the attempt that just failed (from 1), the retries allowed after the first, and the ms left before its deadline. */
export interface RetryState {
  readonly attempt: number;
  readonly maxRetries: number;
  readonly msLeft: number;
}

/** Whether to try again, and after how long. */
export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly waitMs: number };

/**
 * Decides whether a failed attempt is tried again. Permanent failures (4xx
 * other than 408 and 429, TLS failures, unknown errors) never are; transient
 * ones are, while retries remain and the wait fits before the deadline. The
 * wait is the server's advice when it gave any, else exponential backoff.
 */
export function decideRetry(failure: AttemptFailure, state: RetryState, now = Date.now(), random: () => number = Math.random): RetryDecision {
  const transient =
    "status" in failure
      ? failure.status === 408 || failure.status === 429 || failure.status >= 500
      : failure.networkCode !== undefined && TRANSIENT_NETWORK_CODES.has(failure.networkCode);
  if (!transient || state.attempt > state.maxRetries) return { retry: false };
  const advised = "status" in failure ? serverRetryDelayMs(failure.headers, now) : undefined;
  const waitMs = advised ?? backoffDelayMs(state.attempt, random);
  // A wait that would pass the deadline is not started: the failure is reported now.
  return waitMs >= state.msLeft ? { retry: false } : { retry: true, waitMs };
}

/** The wait the server asked for, in ms (`retry-after-ms`, or `Retry-After` in seconds or as a date), capped; `undefined` if none. */
function serverRetryDelayMs(headers: Readonly<Record<string, string | string[] | undefined>>, now: number): number | undefined {
  const ms = Number(first(headers["retry-after-ms"]) ?? Number.NaN);
  const raw = first(headers["retry-after"])?.trim();
  const delay = Number.isFinite(ms) && ms >= 0 ? ms : !raw ? Number.NaN : /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Math.max(0, Date.parse(raw) - now);
  return Number.isNaN(delay) ? undefined : Math.min(delay, RETRY_POLICY.maxRetryAfterMs);
}

/** Exponential backoff for retry number `retry` (from 1): 0.5 s doubling to at most 8 s, less up to 25% jitter. */
function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_POLICY.baseBackoffMs * 2 ** (retry - 1), RETRY_POLICY.maxBackoffMs);
  return Math.round(step * (1 - RETRY_POLICY.jitter * random()));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
