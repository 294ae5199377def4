import type { Dispatcher } from "undici";
import {
  CloudflareApiError,
  CloudflareConnectionError,
  CloudflareResponseError,
  CloudflareTimeoutError,
  TurnKeyInputError,
  TurnKeyLookupAbortedError,
  TurnKeyLookupError,
} from "./errors";
import { Cancellation, sleep } from "./cancellation";
import { BodyTooLargeError, type HttpResponse, MAX_BODY_BYTES, httpGet } from "./http";
import { validateId } from "./ids";
import { type Slot, requestLimiter } from "./limits";
import { redactSecrets, sanitizeServerText } from "./redact";
import { type Interpretation, type LookupIdentity, interpretResponse } from "./response";
import { backoffDelayMs, isTransientNetworkError, networkErrorCode, serverRetryDelayMs } from "./retry";
import { type CredentialSource, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, ENV, firstSet, positiveInteger, resolveConnection } from "./settings";

/** A Cloudflare Calls TURN key, as the lookup returns it. */
export interface TurnKey {
  /** The account the key belongs to. */
  readonly accountId: string;
  /** The key's id, as asked for. */
  readonly keyId: string;
  /** The key's short description (not shown to end users). */
  readonly name: string;
  /** Cloudflare's unique identifier of the key (32 hex characters). */
  readonly uid: string;
  /** When the key was created (RFC 3339). */
  readonly created: string;
  /** When the key was last modified (RFC 3339). */
  readonly modified: string;
}

/** Which key to look up. */
export interface TurnKeyRef {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string | undefined;
  /** The TURN key id (32 lowercase hex characters). */
  keyId: string;
}

/** Options of {@link getTurnKey}. Anything not given falls back to the environment. */
export interface GetTurnKeyOptions extends CredentialSource {
  /** Total deadline for the lookup, retries and waits included, in ms. Default 60,000. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (408, 429, 5xx, connection errors). Default 3. */
  maxRetries?: number;
  /** Aborts the lookup; it then rejects with {@link TurnKeyLookupAbortedError}. */
  signal?: AbortSignal;
  /**
   * Keep the result for the life of the process, so later lookups of the same
   * key (same account, base URL and credential) send nothing. Default `false`.
   * Identical lookups in flight at the same time always share one request.
   */
  cache?: boolean;
  /** Receives debug lines (retries and their reasons). Never given a credential. */
  logger?: (message: string) => void;
  /** An undici dispatcher to send through instead of the shared keep-alive agent (a proxy, or a test's MockAgent). */
  dispatcher?: Dispatcher;
  /** Environment to read fallbacks from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A fully checked lookup, ready to send. */
interface PreparedLookup extends LookupIdentity {
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly dispatcher: Dispatcher | undefined;
  readonly logger: ((message: string) => void) | undefined;
  /** Identifies lookups that may share a request: same origin, path and credential. */
  readonly shareKey: string;
}

const inFlight = new Map<string, Promise<TurnKey>>();
const results = new Map<string, TurnKey>();

/**
 * Looks up one Cloudflare Calls TURN key:
 * `GET /accounts/{account_id}/calls/turn_keys/{key_id}`.
 *
 * Ids and options are checked before anything is sent ({@link TurnKeyInputError}).
 * Transient failures are retried within the deadline; every other failure
 * rejects with a subclass of {@link CloudflareApiError}. It only ever reads:
 * nothing in Cloudflare is changed.
 *
 * @example
 * const key = await getTurnKey({ accountId: "023e105f4ecef8ad9ca31a8372d0c353", keyId: "2a95132c15732412d22c1476fa83f27a" });
 * console.log(key.name, key.uid);
 */
export async function getTurnKey(ref: TurnKeyRef, options: GetTurnKeyOptions = {}): Promise<TurnKey> {
  const lookup = prepareLookup(ref, options);
  const cached = results.get(lookup.shareKey);
  if (cached) return cached;
  // A lookup with its own signal runs alone, so that aborting it really stops its request.
  if (options.signal) return runLookup(lookup, options.cache === true, options.signal);
  let shared = inFlight.get(lookup.shareKey);
  if (!shared) {
    shared = runLookup(lookup, options.cache === true);
    inFlight.set(lookup.shareKey, shared);
    const forget = () => inFlight.delete(lookup.shareKey);
    shared.then(forget, forget);
  }
  return shared;
}

/** Forgets every cached result (in-flight lookups are not affected). */
export function clearTurnKeyCache(): void {
  results.clear();
}

function prepareLookup(ref: TurnKeyRef, options: GetTurnKeyOptions): PreparedLookup {
  const env = options.env ?? process.env;
  const connection = resolveConnection(options, env);
  let accountId: string, keyId: string;
  try {
    accountId = validateId("accountId", ref?.accountId ?? firstSet(env[ENV.accountId]));
    keyId = validateId("keyId", ref?.keyId);
  } catch (err) {
    // The message quotes the bad id; a credential pasted there by mistake must not be shown.
    if (err instanceof TurnKeyInputError) throw new TurnKeyInputError(err.field, redactSecrets(err.message, connection.secrets));
    throw err;
  }
  const path = `${connection.basePath}/accounts/${accountId}/calls/turn_keys/${keyId}`;
  return {
    accountId,
    keyId,
    secrets: connection.secrets,
    origin: connection.origin,
    path,
    headers: connection.headers,
    timeoutMs: positiveInteger("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxRetries: positiveInteger("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES, true),
    dispatcher: options.dispatcher,
    logger: options.logger,
    shareKey: `${connection.id}\n${path}`,
  };
}

/** The retry loop: attempts, waits and the deadline, for one shared lookup. */
async function runLookup(lookup: PreparedLookup, cache: boolean, signal?: AbortSignal): Promise<TurnKey> {
  // One cancellation ends everything the lookup is waiting on: the deadline
  // or the caller's signal, whichever comes first. The deadline starts once
  // the lookup holds its first slot: time queued behind other lookups for the
  // shared budget is not this lookup's to lose.
  const cancel = new Cancellation();
  const onCallerAbort = () => cancel.cancel(new CallerAbort());
  if (signal?.aborted) throw abortedError(lookup, signal);
  signal?.addEventListener("abort", onCallerAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let deadlineAt = Infinity;
  const startDeadline = () => {
    deadlineAt = Date.now() + lookup.timeoutMs;
    timer = setTimeout(() => cancel.cancel(new DeadlineError()), lookup.timeoutMs);
  };
  let last: CloudflareApiError | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      const slot = await requestLimiter.acquire(cancel, attempt > 1);
      if (attempt === 1) startDeadline();
      const outcome = await attemptOnce(lookup, cancel, attempt, slot);
      if (outcome.ok) {
        const key: TurnKey = { accountId: lookup.accountId, keyId: lookup.keyId, ...outcome.result };
        if (cache) results.set(lookup.shareKey, key);
        return key;
      }
      last = outcome.error;
      if (!outcome.retryable || attempt > lookup.maxRetries) throw last;
      const wait = outcome.waitMs ?? backoffDelayMs(attempt);
      if (Date.now() + wait >= deadlineAt) throw last;
      // Rate limits are per user: every lookup in the process waits it out together.
      if (last.status === 429) requestLimiter.pauseFor(wait);
      lookup.logger?.(`retrying GET ${lookup.path} in ${wait} ms (attempt ${attempt + 1} of ${lookup.maxRetries + 1}): ${reasonOf(last)}`);
      await sleep(wait, cancel);
    }
  } catch (err) {
    if (err instanceof DeadlineError) throw timeoutError(lookup, last);
    if (err instanceof CallerAbort) throw abortedError(lookup, signal!);
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** A failed attempt: the error, whether to retry, and the server's advised wait. */
interface Failure {
  readonly ok: false;
  readonly error: CloudflareApiError;
  readonly retryable: boolean;
  readonly waitMs?: number | undefined;
}

/** One request, holding `slot` until its response is read, and what it means. */
async function attemptOnce(lookup: PreparedLookup, cancel: Cancellation, attempt: number, slot: Slot): Promise<Extract<Interpretation, { ok: true }> | Failure> {
  let response: HttpResponse;
  try {
    response = await httpGet(lookup.origin, lookup.path, lookup.headers, cancel, lookup.dispatcher);
  } catch (err) {
    if (cancel.cancelled) throw cancel.reason;
    return classifyThrown(err, lookup, attempt);
  } finally {
    slot.release();
  }
  const meaning = interpretResponse(response, lookup, attempt);
  return meaning.ok ? meaning : { ...meaning, waitMs: serverRetryDelayMs(response.headers) };
}

/** Turns what `httpGet` threw into one of our errors, and says whether to retry. */
function classifyThrown(err: unknown, lookup: PreparedLookup, attempt: number): Failure {
  const base = { accountId: lookup.accountId, keyId: lookup.keyId, attempts: attempt };
  if (err instanceof BodyTooLargeError) {
    const ray = err.headers["cf-ray"];
    return {
      ok: false,
      retryable: false,
      error: new CloudflareResponseError({
        ...base,
        status: err.status,
        rayId: typeof ray === "string" ? sanitizeServerText(ray, lookup.secrets) : undefined,
        summary: `Cloudflare's response to the TURN key lookup is larger than ${MAX_BODY_BYTES} bytes; reading was stopped`,
      }),
    };
  }
  const code = networkErrorCode(err);
  const detail = redactSecrets(code ?? (err instanceof Error ? err.message : String(err)), lookup.secrets);
  const tls = code !== undefined && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME/i.test(code);
  return {
    ok: false,
    retryable: isTransientNetworkError(err),
    error: new CloudflareConnectionError({
      ...base,
      summary: `Could not reach the Cloudflare API at ${lookup.origin} (${detail})`,
      hint: tls
        ? "The TLS handshake or certificate check failed; check baseUrl and any proxy in between"
        : "Check the network and baseUrl (cloudflare:baseUrl / CLOUDFLARE_BASE_URL)",
    }),
  };
}

function timeoutError(lookup: PreparedLookup, last: CloudflareApiError | undefined): CloudflareTimeoutError {
  return new CloudflareTimeoutError({
    accountId: lookup.accountId,
    keyId: lookup.keyId,
    status: last?.status,
    errors: last?.errors,
    rayId: last?.rayId,
    attempts: last?.attempts,
    summary: `The TURN key lookup did not finish within its ${lookup.timeoutMs} ms deadline${last ? ` (last failure: ${reasonOf(last)})` : ""}`,
    hint: "Raise timeoutMs, or check the network and baseUrl",
  });
}

/** A short reason for logs: the status and Cloudflare's codes, or the connection error. */
function reasonOf(err: CloudflareApiError): string {
  if (err.status === undefined) return err.summary;
  const codes = err.errors.map((e) => e.code).join(", ");
  return `HTTP ${err.status}${codes ? ` (Cloudflare error ${codes})` : ""}`;
}

function abortedError(lookup: LookupIdentity, signal: AbortSignal): TurnKeyLookupAbortedError {
  return new TurnKeyLookupAbortedError({
    accountId: lookup.accountId,
    keyId: lookup.keyId,
    summary: "The TURN key lookup was aborted by its signal",
    cause: signal.reason,
  });
}

/** Abort reasons of the lookup's own controller. */
class DeadlineError extends Error {}
class CallerAbort extends Error {}

/** `true` if `err` is one of this package's errors. */
export function isTurnKeyLookupError(err: unknown): err is TurnKeyLookupError {
  return err instanceof TurnKeyLookupError;
}
