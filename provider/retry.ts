/**
 * The retry policy, in one place: which failures are retried and how long to
 * wait before the next attempt. The lookup's total deadline is enforced by the
 * caller; nothing here can extend it.
 */

/** First backoff step. */
export const BASE_BACKOFF_MS = 500;
/** Largest computed backoff step. */
export const MAX_BACKOFF_MS = 8_000;
/** Largest wait a server's `Retry-After` / `retry-after-ms` may ask for. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** HTTP statuses worth another try: timeouts, rate limits and server-side failures. */
export function isRetryableStatus(status: number): boolean {
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

/** The error code of a network error or its cause, if any. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** `true` for connection failures worth another try (not TLS or certificate failures). */
export function isTransientNetworkError(err: unknown): boolean {
  const code = networkErrorCode(err);
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * How long the server asked us to wait, in ms, from `retry-after-ms` or
 * `Retry-After` (seconds or an HTTP date), capped at {@link MAX_RETRY_AFTER_MS}.
 * `undefined` when it asked nothing usable.
 */
export function serverRetryDelayMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = Number(first(headers["retry-after-ms"]));
  if (first(headers["retry-after-ms"]) !== undefined && Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const raw = first(headers["retry-after"])?.trim();
  if (!raw) return undefined;
  let delay: number;
  if (/^\d+(\.\d+)?$/.test(raw)) delay = Number(raw) * 1000;
  else {
    const at = Date.parse(raw);
    if (Number.isNaN(at)) return undefined;
    delay = Math.max(0, at - now);
  }
  return Math.min(delay, MAX_RETRY_AFTER_MS);
}

/**
 * Exponential backoff for retry number `retry` (1 for the first retry):
 * 0.5 s doubling to at most 8 s, less up to 25% jitter so that many lookups
 * that failed together do not retry together.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const step = Math.min(BASE_BACKOFF_MS * 2 ** (retry - 1), MAX_BACKOFF_MS);
  return Math.round(step * (1 - 0.25 * random()));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
