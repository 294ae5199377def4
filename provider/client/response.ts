/**
 * What one HTTP response means: the value asked for, or the error it stands
 * for. Whether to try again is not decided here but in `retry.ts`.
 */
import {
  CloudflareApiError,
  type CloudflareApiErrorDetails,
  CloudflareAuthError,
  type CloudflareMessage,
  CloudflareRateLimitError,
  CloudflareResponseError,
  TurnKeyNotFoundError,
} from "../core/errors";
import type { HttpResponse } from "./http";
import { sanitizeServerText } from "./redact";
import { type SettingNames, settingLabel } from "../core/settings";
import { messageList, schemas } from "./shape";

/** What one HTTP response means for the request. */
export type Interpretation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CloudflareApiError };

/** Who asked, for error messages, and which secrets to keep out of them. */
export interface RequestIdentity {
  readonly accountId: string;
  readonly keyId?: string | undefined;
  readonly keyName?: string | undefined;
  /** What the request is, for messages: "TURN key lookup" or "TURN key list". */
  readonly what: string;
  /** The URL requested, shown when the route itself is wrong (it never holds a credential). */
  readonly url: string;
  readonly secrets: readonly string[];
  /** How messages name settings: the face's names. */
  readonly names: SettingNames;
}

/** How to read the `result` of a successful response of one kind. */
export interface ResultReader<T> {
  /** The whole body in one pass, for the common case; `undefined` sends it to the detailed diagnosis. */
  fast(json: unknown): T | undefined;
  /** The value, or a sentence saying what is wrong with `result` (loading the zod schemas to say it). */
  read(result: unknown, resultInfo: unknown): Promise<{ ok: true; value: T } | { ok: false; problem: string }>;
}

const MAX_ERRORS_SHOWN = 5;
/** Cloudflare's codes for a path it has no route for, as opposed to a missing object. */
const NO_ROUTE_CODES = new Set([7000, 7003]);

/**
 * Reads one response: the value asked for, or the error it stands for. A
 * response in the common shape is read at once; only one off it waits for
 * the zod schemas that say what is wrong, so the result may be a promise.
 */
export function interpretResponse<T>(
  res: HttpResponse,
  who: RequestIdentity,
  attempts: number,
  reader: ResultReader<T>,
): Interpretation<T> | Promise<Interpretation<T>> {
  const failure = new Failure(res, who, attempts);
  if (res.status >= 300 && res.status < 400) {
    const location = header(res, "location", who.secrets) ?? "nowhere";
    return failure.malformed(`a redirect to ${location}, which is never followed so the credential stays with its origin`);
  }

  const json = parseJson(res.body);
  if (res.status < 200 || res.status >= 300) {
    return { ok: false, error: errorForStatus(res.status, { ...failure.details(), errors: readErrors(json, who.secrets) }, json, who) };
  }

  const contentType = res.headers["content-type"];
  if (typeof contentType !== "string" || !/^application\/([a-z.+-]+\+)?json\b/i.test(contentType)) {
    const shown = header(res, "content-type", who.secrets);
    return failure.malformed(`content type ${shown ? JSON.stringify(shown) : "missing"}, expected application/json`);
  }
  if (json === undefined) return failure.malformed(res.body.length === 0 ? "an empty body" : "a body that is not valid JSON");
  const fast = reader.fast(json);
  return fast !== undefined ? { ok: true, value: fast } : diagnose(json, failure, reader);
}

/** What an error about one response is made of: its headers are sanitized only when an error is built, since a successful lookup never shows them. */
class Failure {
  constructor(
    private readonly res: HttpResponse,
    readonly who: RequestIdentity,
    private readonly attempts: number,
  ) {}

  details(): Omit<CloudflareApiErrorDetails, "summary"> {
    const { who } = this;
    return {
      accountId: who.accountId,
      keyId: who.keyId,
      keyName: who.keyName,
      status: this.res.status,
      rayId: header(this.res, "cf-ray", who.secrets),
      attempts: this.attempts,
    };
  }

  /** The response is not in the documented shape, for `problem`. */
  malformed(problem: string): Interpretation<never> {
    return {
      ok: false,
      error: new CloudflareResponseError({
        ...this.details(),
        summary: `Cloudflare's response to the ${this.who.what} is not the documented shape: ${problem}`,
        hint: `Check that ${settingLabel("baseUrl", this.who.names)} points at the Cloudflare API (or a faithful emulator); if it does, report this with the cf-ray id`,
      }),
    };
  }
}

/** A successful response off the common shape: the zod schemas say what is wrong with it, or read it after all. */
async function diagnose<T>(json: unknown, failure: Failure, reader: ResultReader<T>): Promise<Interpretation<T>> {
  const { who } = failure;
  const { envelopeSchema } = await schemas();
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return failure.malformed(`the envelope ${describeIssues(envelope.error.issues)}`);
  if (!envelope.data.success) {
    const errors = readErrors(json, who.secrets);
    return {
      ok: false,
      error: new CloudflareApiError({
        ...failure.details(),
        errors,
        summary: `Cloudflare answered the ${who.what} with success: false`,
        hint: errors.length === 0 ? "The response named no error" : undefined,
      }),
    };
  }
  const read = await reader.read(envelope.data.result, envelope.data.result_info);
  return read.ok ? { ok: true, value: read.value } : failure.malformed(read.problem);
}

/**
 * A failure that every request of the account meets (a refused credential,
 * a missing account), met first by another request of the account: written
 * for the request `who`, so that a key's lookup names its key.
 */
export function accountFailureFor(err: CloudflareApiError, who: RequestIdentity): CloudflareApiError {
  const details = {
    accountId: who.accountId,
    keyId: who.keyId,
    keyName: who.keyName,
    status: err.status,
    errors: err.errors,
    rayId: err.rayId,
    attempts: err.attempts,
  };
  if (CloudflareAuthError.isInstance(err)) return errorForStatus(err.status ?? 403, details, undefined, who);
  return new TurnKeyNotFoundError({ ...details, summary: "Account not found", hint: ACCOUNT_NOT_FOUND_HINT });
}

const ACCOUNT_NOT_FOUND_HINT = "Check accountId: it must be the id of an account the credential can read";

function errorForStatus(status: number, details: Omit<CloudflareApiErrorDetails, "summary">, json: unknown, who: RequestIdentity): CloudflareApiError {
  const codes = new Set(details.errors?.map((e) => e.code));
  if (status === 404 && [...codes].some((c) => NO_ROUTE_CODES.has(c))) {
    return new CloudflareApiError({
      ...details,
      summary: `Cloudflare has no API route for ${who.url}`,
      hint: `Check ${settingLabel("baseUrl", who.names)}: it must be the API's base, such as https://api.cloudflare.com/client/v4 (with its /client/v4 path)`,
    });
  }
  if (status === 404) {
    return new TurnKeyNotFoundError({
      ...details,
      summary: who.keyId === undefined ? "Account not found" : "TURN key not found",
      hint: who.keyId === undefined ? ACCOUNT_NOT_FOUND_HINT : "Check keyId and accountId: the key may have been deleted, or belong to another account",
    });
  }
  if (status === 401 || status === 403) {
    return new CloudflareAuthError({
      ...details,
      summary: `Cloudflare refused the credential for the ${who.what}`,
      hint: `Check that the API token (${settingLabel("apiToken", who.names)}) is valid, unexpired, and has the "Calls Read" permission for this account`,
    });
  }
  if (status === 429) {
    return new CloudflareRateLimitError({
      ...details,
      summary: `Cloudflare rate-limited the ${who.what}`,
      hint: "The API allows 1,200 requests per five minutes per user, shared by every tool using the token; retry later",
    });
  }
  const hint =
    status === 400 && codes.has(7003)
      ? "Cloudflare could not route the request: check that accountId is your account's id"
      : status >= 500 || status === 408
        ? "This is usually transient on Cloudflare's side; retry later"
        : json === undefined
          ? "The response body was not JSON"
          : undefined;
  return new CloudflareApiError({ ...details, summary: `The ${who.what} failed`, hint });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Cloudflare's `errors` from a failed response's body, read leniently: none when they are not a list of `{ code, message }`. */
function readErrors(json: unknown, secrets: readonly string[]): CloudflareMessage[] {
  const errors = typeof json === "object" && json !== null ? messageList((json as { errors?: unknown }).errors) : undefined;
  return (errors ?? []).slice(0, MAX_ERRORS_SHOWN).map((e) => ({ code: e.code, message: sanitizeServerText(e.message, secrets) }));
}

/** A response header, made safe to show. */
export function header(res: Pick<HttpResponse, "headers">, name: string, secrets: readonly string[]): string | undefined {
  const v = res.headers[name];
  const text = Array.isArray(v) ? v[0] : v;
  return text === undefined ? undefined : sanitizeServerText(text, secrets);
}

/** zod issues in a few words: `name is missing; created: Invalid ISO datetime`. */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const where = i.path.map(String).join(".");
      if (/received undefined$/.test(i.message)) return `${where || "value"} is missing`;
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join("; ");
}
