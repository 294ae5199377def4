import {
  CloudflareApiError,
  type CloudflareApiErrorDetails,
  CloudflareAuthError,
  type CloudflareMessage,
  CloudflareRateLimitError,
  CloudflareResponseError,
  TurnKeyNotFoundError,
} from "./errors";
import type { HttpResponse } from "./http";
import { sanitizeServerText } from "./redact";
import { isRetryableStatus } from "./retry";
import { envelopeSchema, errorsOnlySchema, successSchema, type TurnKeyResult, turnKeyResultSchema } from "./schema";

/** What one HTTP response means for the lookup. */
export type Interpretation =
  | { readonly ok: true; readonly result: TurnKeyResult }
  | { readonly ok: false; readonly error: CloudflareApiError; readonly retryable: boolean };

/** Who asked, for error messages, and which secrets to keep out of them. */
export interface LookupIdentity {
  readonly accountId: string;
  readonly keyId: string;
  readonly secrets: readonly string[];
}

const MAX_ERRORS_SHOWN = 5;

/**
 * Reads one response: a valid TURN key, or the error it stands for and
 * whether another attempt could help.
 */
export function interpretResponse(res: HttpResponse, who: LookupIdentity, attempts: number): Interpretation {
  // Failures only: a successful lookup skips sanitizing headers it never shows.
  const base = () => ({ accountId: who.accountId, keyId: who.keyId, status: res.status, rayId: header(res, "cf-ray", who.secrets), attempts });
  const fail = (error: CloudflareApiError, retryable = false): Interpretation => ({ ok: false, error, retryable });
  const malformed = (problem: string) =>
    fail(
      new CloudflareResponseError({
        ...base(),
        summary: `Cloudflare's response to the TURN key lookup is not the documented shape: ${problem}`,
        hint: "Check baseUrl points at the Cloudflare API (or a faithful emulator); if it does, report this with the cf-ray id",
      }),
    );

  if (res.status >= 300 && res.status < 400) {
    const location = header(res, "location", who.secrets) ?? "nowhere";
    return malformed(`a redirect to ${location}, which is never followed so the credential stays with its origin`);
  }

  const json = parseJson(res.body);
  if (res.status < 200 || res.status >= 300) {
    return fail(errorForStatus(res.status, { ...base(), errors: readErrors(json, who.secrets) }, json), isRetryableStatus(res.status));
  }

  const contentType = res.headers["content-type"];
  if (typeof contentType !== "string" || !/^application\/([a-z.+-]+\+)?json\b/i.test(contentType)) {
    const shown = header(res, "content-type", who.secrets);
    return malformed(`content type ${shown ? JSON.stringify(shown) : "missing"}, expected application/json`);
  }
  if (json === undefined) return malformed(res.body.length === 0 ? "an empty body" : "a body that is not valid JSON");
  // The common case in one pass; anything else gets the detailed diagnosis below.
  const whole = successSchema.safeParse(json);
  if (whole.success && whole.data.result.uid === who.keyId) return { ok: true, result: whole.data.result };
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return malformed(`the envelope ${describeIssues(envelope.error.issues)}`);
  if (!envelope.data.success) {
    const errors = readErrors(json, who.secrets);
    return fail(
      new CloudflareApiError({
        ...base(),
        errors,
        summary: "Cloudflare answered the TURN key lookup with success: false",
        hint: errors.length === 0 ? "The response named no error" : undefined,
      }),
    );
  }
  const result = turnKeyResultSchema.safeParse(envelope.data.result);
  if (!result.success) return malformed(`the result ${describeIssues(result.error.issues)}`);
  if (result.data.uid !== who.keyId) {
    return malformed(`it describes key ${result.data.uid}, not the key asked for`);
  }
  return { ok: true, result: result.data };
}

function errorForStatus(status: number, details: Omit<CloudflareApiErrorDetails, "summary">, json: unknown): CloudflareApiError {
  const codes = new Set(details.errors?.map((e) => e.code));
  if (status === 404) {
    return new TurnKeyNotFoundError({
      ...details,
      summary: "TURN key not found",
      hint: "Check keyId and accountId: the key may have been deleted, or belong to another account",
    });
  }
  if (status === 401 || status === 403) {
    return new CloudflareAuthError({
      ...details,
      summary: "Cloudflare refused the credential for the TURN key lookup",
      hint: 'Check that cloudflare:apiToken (or CLOUDFLARE_API_TOKEN) is valid, unexpired, and has the "Calls Read" permission for this account',
    });
  }
  if (status === 429) {
    return new CloudflareRateLimitError({
      ...details,
      summary: "Cloudflare rate-limited the TURN key lookup",
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
  return new CloudflareApiError({ ...details, summary: "The TURN key lookup failed", hint });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function readErrors(json: unknown, secrets: readonly string[]): CloudflareMessage[] {
  const parsed = errorsOnlySchema.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.errors.slice(0, MAX_ERRORS_SHOWN).map((e) => ({ code: e.code, message: sanitizeServerText(e.message, secrets) }));
}

function header(res: HttpResponse, name: string, secrets: readonly string[]): string | undefined {
  const v = res.headers[name];
  const text = Array.isArray(v) ? v[0] : v;
  return text === undefined ? undefined : sanitizeServerText(text, secrets);
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const where = i.path.map(String).join(".");
      if (/received undefined$/.test(i.message)) return `${where || "value"} is missing`;
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join("; ");
}
