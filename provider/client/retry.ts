/**
 * The retry decision, in one place: given how an attempt failed, whether to
 * try again and after how long. Statuses, network codes, TLS failures, the
 * server's `Retry-After`, backoff and the lookup's deadline all meet here.
 */

/** Tunables of the retry policy, as data. */
const RETRY_POLICY = {
  /** First backoff step. */
  baseBackoffMs: 500,
  /** Largest computed backoff step. */
  maxBackoffMs: 8_000,
  /** Largest wait a server's `Retry-After` / `retry-after-ms` may ask for. */
  maxRetryAfterMs: 30_000,
  /** Share of a backoff step taken off at random, so lookups that failed together do not retry together. */
  jitter: 0.25,
} as const;

/** HTTP statuses worth another try: timeouts, rate limits and server-side failures. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** undici and Node.js error codes of transient connection failures. */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
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

/** Where the lookup stands when an attempt failed. */
export interface RetryState {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  /** Retries allowed after the first attempt. */
  readonly maxRetries: number;
  /** Milliseconds left before the lookup's deadline. */
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
    "status" in failure ? isRetryableStatus(failure.status) : failure.networkCode !== undefined && TRANSIENT_NETWORK_CODES.has(failure.networkCode);
  if (!transient || state.attempt > state.maxRetries) return { retry: false };
  const advised = "status" in failure ? serverRetryDelayMs(failure.headers, now) : undefined;
  const waitMs = advised ?? backoffDelayMs(state.attempt, random);
  // A wait that would pass the deadline is not started: the failure is reported now.
  return waitMs >= state.msLeft ? { retry: false } : { retry: true, waitMs };
}

/**
 * How long the server asked us to wait, in ms, from `retry-after-ms` or
 * `Retry-After` (seconds or an HTTP date), capped at `maxRetryAfterMs`.
 * `undefined` when it asked nothing usable.
 */
function serverRetryDelayMs(headers: Readonly<Record<string, string | string[] | undefined>>, now = Date.now()): number | undefined {
  const rawMs = first(headers["retry-after-ms"]);
  const ms = Number(rawMs);
  if (rawMs !== undefined && Number.isFinite(ms) && ms >= 0) return Math.min(ms, RETRY_POLICY.maxRetryAfterMs);
  const raw = first(headers["retry-after"])?.trim();
  if (!raw) return undefined;
  let delay: number;
  if (/^\d+(\.\d+)?$/.test(raw)) delay = Number(raw) * 1000;
  else {
    const at = Date.parse(raw);
    if (Number.isNaN(at)) return undefined;
    delay = Math.max(0, at - now);
  }
  return Math.min(delay, RETRY_POLICY.maxRetryAfterMs);
}

/**
 * Exponential backoff for retry number `retry` (1 for the first retry):
 * 0.5 s doubling to at most 8 s, less up to 25% jitter.
 */
function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_POLICY.baseBackoffMs * 2 ** (retry - 1), RETRY_POLICY.maxBackoffMs);
  return Math.round(step * (1 - RETRY_POLICY.jitter * random()));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
