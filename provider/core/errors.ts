/**
 * Error classes thrown by the TURN-key lookup. Each has a stable `name`, so
 * callers (and the Pulumi engine's output) can tell failures apart without
 * parsing messages. No message ever contains a credential.
 */

/** One entry of Cloudflare's `errors` (or `messages`) list. */
export interface CloudflareMessage {
  /** Cloudflare's numeric error code, e.g. `10000` for an authentication error. */
  readonly code: number;
  /** Cloudflare's human-readable text for the code. */
  readonly message: string;
}

/**
 * The brand on every error this package makes: the names of its class and
 * each ancestor up to {@link TurnKeyLookupError}. A registered symbol, so
 * that two copies of the package (a program's and a library's) recognize
 * each other's errors, where `instanceof` cannot; the same idea as
 * `@pulumi/pulumi`'s `Resource.isInstance`.
 */
const BRAND: unique symbol = Symbol.for("pulumi-cloudflare-turn-lookup.error") as never;

/** The classes of the brand of `value`, if it is one of our errors (from any copy of the package). */
function brandOf(value: unknown): readonly string[] | undefined {
  const brand = typeof value === "object" && value !== null ? (value as { [BRAND]?: unknown })[BRAND] : undefined;
  return Array.isArray(brand) ? (brand as string[]) : undefined;
}

/** Base class of every error this package throws. */
export class TurnKeyLookupError extends Error {
  /** The class's name in the brand; each subclass sets its own. */
  static readonly brand: string = "TurnKeyLookupError";
  override name = "TurnKeyLookupError";

  /** @param message what went wrong; @param options the underlying `cause`, if any. */
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    const chain: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && Object.hasOwn(c, "brand"); c = Object.getPrototypeOf(c)) {
      chain.push((c as typeof TurnKeyLookupError).brand);
    }
    Object.defineProperty(this, BRAND, { value: chain });
  }

  /**
   * `true` if `value` is an instance of this class or a subclass, made by any
   * copy of this package: `TurnKeyNotFoundError.isInstance(err)` holds for a
   * not-found error of another installed copy, where `instanceof` does not.
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    return brandOf(value)?.includes((this as unknown as typeof TurnKeyLookupError).brand) ?? false;
  }
}

/**
 * Bad or missing input, detected before any request is sent: a malformed
 * account or key id, missing or conflicting credentials, or a bad base URL.
 */
export class TurnKeyInputError extends TurnKeyLookupError {
  static override readonly brand: string = "TurnKeyInputError";
  override name = "TurnKeyInputError";
  /** The input at fault, e.g. `keyId`, `apiToken` or `baseUrl`. */
  readonly field: string;

  /** @param field the input at fault; @param message says what was wrong and how to fix it. */
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** What an API error knows about the request that failed. */
export interface CloudflareApiErrorDetails {
  /** The account id of the lookup. */
  readonly accountId: string;
  /** The TURN key id of the lookup; `undefined` for a list or a lookup by name. */
  readonly keyId?: string | undefined;
  /** The name looked up, for a lookup by name. */
  readonly keyName?: string | undefined;
  /** The HTTP status of the last response, or `undefined` when none arrived. */
  readonly status?: number;
  /** Cloudflare's `errors` list from the last response (empty when it had none). */
  readonly errors?: readonly CloudflareMessage[];
  /** The `cf-ray` header of the last response: the id Cloudflare support asks for. */
  readonly rayId?: string;
  /** How many HTTP requests the lookup sent in all (first try plus retries). */
  readonly attempts?: number;
  /** What went wrong, in words; the start of the message. */
  readonly summary: string;
  /** What the user can do about it; the end of the message. */
  readonly hint?: string;
  /** The underlying error, if any (a network error, an abort reason). */
  readonly cause?: unknown;
}

/**
 * A lookup that reached (or tried to reach) the Cloudflare API and failed.
 * Its message names the account and key ids, the HTTP status, Cloudflare's
 * codes and messages and the `cf-ray` id.
 */
export class CloudflareApiError extends TurnKeyLookupError {
  static override readonly brand: string = "CloudflareApiError";
  override name = "CloudflareApiError";
  /** The HTTP status of the last response, or `undefined` when none arrived. */
  readonly status: number | undefined;
  /** Cloudflare's `{ code, message }` list from the last response. */
  readonly errors: readonly CloudflareMessage[];
  /** The `cf-ray` header of the last response, if there was one. */
  readonly rayId: string | undefined;
  /** The account id of the failed lookup. */
  readonly accountId: string;
  /** The TURN key id of the failed lookup; `undefined` for a list or a lookup by name. */
  readonly keyId: string | undefined;
  /** The name looked up, for a lookup by name. */
  readonly keyName: string | undefined;
  /** How many HTTP requests the lookup sent in all. */
  readonly attempts: number;
  /** What went wrong, in a few words: the message without ids, status or advice. */
  readonly summary: string;

  /** Builds the message from `details`; see {@link CloudflareApiErrorDetails}. */
  constructor(details: CloudflareApiErrorDetails) {
    super(formatApiMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.rayId = details.rayId;
    this.accountId = details.accountId;
    this.keyId = details.keyId;
    this.keyName = details.keyName;
    this.attempts = details.attempts ?? 1;
    this.summary = details.summary;
  }
}

/** The key does not exist in the account (HTTP 404), or no key of the account has the name looked up. */
export class TurnKeyNotFoundError extends CloudflareApiError {
  static override readonly brand: string = "TurnKeyNotFoundError";
  override name = "TurnKeyNotFoundError";
}

/** The credential was refused (HTTP 401 or 403). */
export class CloudflareAuthError extends CloudflareApiError {
  static override readonly brand: string = "CloudflareAuthError";
  override name = "CloudflareAuthError";
}

/** Cloudflare kept answering HTTP 429 until the retries or the deadline ran out. */
export class CloudflareRateLimitError extends CloudflareApiError {
  static override readonly brand: string = "CloudflareRateLimitError";
  override name = "CloudflareRateLimitError";
}

/** The response is not the documented shape (not JSON, wrong fields, too large, a redirect). */
export class CloudflareResponseError extends CloudflareApiError {
  static override readonly brand: string = "CloudflareResponseError";
  override name = "CloudflareResponseError";
}

/** No response could be had: connection refused or reset, DNS or TLS failure. */
export class CloudflareConnectionError extends CloudflareApiError {
  static override readonly brand: string = "CloudflareConnectionError";
  override name = "CloudflareConnectionError";
}

/** The lookup's total deadline (`timeoutMs`) passed before it could finish. */
export class CloudflareTimeoutError extends CloudflareApiError {
  static override readonly brand: string = "CloudflareTimeoutError";
  override name = "CloudflareTimeoutError";
}

/** The caller's `signal` aborted the lookup. */
export class TurnKeyLookupAbortedError extends CloudflareApiError {
  static override readonly brand: string = "TurnKeyLookupAbortedError";
  override name = "TurnKeyLookupAbortedError";
}

/**
 * Several keys of the account have the name looked up. Names are free text
 * and need not be unique: look the key up by its id instead.
 */
export class TurnKeyAmbiguousError extends TurnKeyLookupError {
  static override readonly brand: string = "TurnKeyAmbiguousError";
  override name = "TurnKeyAmbiguousError";
  /** The account searched. */
  readonly accountId: string;
  /** The name looked up. */
  readonly keyName: string;
  /** The uids of every key with that name, in the API's order. */
  readonly uids: readonly string[];

  /** @param accountId the account; @param keyName the name; @param uids the matching keys' uids. */
  constructor(accountId: string, keyName: string, uids: readonly string[]) {
    super(
      `${uids.length} TURN keys of account ${accountId} are named ${JSON.stringify(keyName)}: ${uids.join(", ")}. ` +
        "Names need not be unique; look the key up by keyId instead, with one of these uids.",
    );
    this.accountId = accountId;
    this.keyName = keyName;
    this.uids = uids;
  }
}

/** Who the failed request was about, as the message names it. */
function subjectOf(d: Pick<CloudflareApiErrorDetails, "accountId" | "keyId" | "keyName">): string {
  if (d.keyId !== undefined) return `account ${d.accountId}, key ${d.keyId}`;
  if (d.keyName !== undefined) return `account ${d.accountId}, name ${JSON.stringify(d.keyName)}`;
  return `account ${d.accountId}`;
}

function formatApiMessage(d: CloudflareApiErrorDetails): string {
  const attempts = (d.attempts ?? 1) > 1 ? ` after ${d.attempts} attempts` : "";
  // With no response, the attempts belong to the summary ("could not reach … after 4 attempts").
  const parts = [`${d.summary}${d.status === undefined ? attempts : ""} (${subjectOf(d)})`];
  const facts: string[] = [];
  if (d.status !== undefined) facts.push(`HTTP ${d.status}${attempts}`);
  for (const e of d.errors ?? []) facts.push(`Cloudflare error ${e.code}: ${e.message}`);
  if (d.rayId) facts.push(`cf-ray ${d.rayId}`);
  if (facts.length > 0) parts.push(facts.join("; "));
  if (d.hint) parts.push(d.hint);
  return parts.join(". ") + (d.hint?.endsWith(".") ? "" : ".");
}
