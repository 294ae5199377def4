/**
 * Reading an answer: what one HTTP response means (the value asked for, or
 * the error it stands for), against the documented shape of a TURN key,
 * defined once. Answers are checked by hand; zod, whose loading costs more
 * CPU than a lookup, is loaded from the same definition only to say what is
 * wrong with an answer off that shape.
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
import { ID_PATTERN } from "../core/ids";
import { sanitizeServerText } from "./redact";
import { CLOUDFLARE_RATE_LIMIT, type SettingNames, settingLabel } from "../core/settings";
import type { TurnKey } from "../core/types";

/**
 * Who asked, for messages: the key, what the request is ("TURN key lookup",
 * "TURN key list"), its URL (which holds no credential), the secrets to keep
 * out, and the face's names of its settings.
 */
export interface RequestIdentity {
  readonly accountId: string;
  readonly keyId?: string | undefined;
  readonly keyName?: string | undefined;
  readonly what: string;
  readonly url: string;
  readonly secrets: readonly string[];
  readonly names: SettingNames;
}

/**
 * A TURN key as Cloudflare's schema documents it: every field optional; a
 * missing `name`, `created` or `modified` reads as `""` (never an invented
 * date). Objects are not strict: Cloudflare may add fields at any time.
 */
const KEY_SHAPE = { uid: "id", name: "text", created: "date", modified: "date" } as const;
type FieldKind = (typeof KEY_SHAPE)[keyof typeof KEY_SHAPE];

/** A key's fields as a result gives them, defaults applied. */
type KeyFields = { uid?: string | undefined; name: string; created: string; modified: string };

/** Reads one result's key fields: the fields, or what is wrong with them. */
export type FieldsReader = (value: unknown) => KeyFields | string;

/** How to read the `result` of one kind of request, given a fields reader: the value, or what is wrong. */
export type ResultReader<T> = (result: unknown, resultInfo: unknown, fields: FieldsReader) => T | string;

/** RFC 3339 as Cloudflare writes it, on a day the calendar has. */
const RFC3339 =
  /^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:[2468][048]|[13579][26]|0[48])|(?:[02468][048]|[13579][26])00)-02-29)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const FAST_CHECKS: Record<FieldKind, (value: string) => boolean> = { id: (v) => ID_PATTERN.test(v), text: () => true, date: (v) => RFC3339.test(v) };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The hand check of {@link KEY_SHAPE}: the fields, or "off" for anything it does not accept (zod then says why). */
export const fastFields: FieldsReader = (value) => {
  if (!isRecord(value)) return "off";
  const fields: Record<string, string | undefined> = {};
  for (const [field, kind] of Object.entries(KEY_SHAPE)) {
    const v = value[field];
    if (v === undefined) fields[field] = kind === "id" ? undefined : "";
    else if (typeof v === "string" && FAST_CHECKS[kind](v)) fields[field] = v;
    else return "off";
  }
  return fields as KeyFields;
};

/** The zod reading of an answer (the envelope, and a key's fields), built from {@link KEY_SHAPE} when first needed. */
export async function zodReading() {
  const { z } = await import("zod");
  const kinds = {
    id: z.string().regex(ID_PATTERN, "uid must be 32 lowercase hexadecimal characters").optional(),
    text: z.string().default(""),
    date: z.iso.datetime({ offset: true }).default(""),
  };
  const key = z.object(Object.fromEntries(Object.entries(KEY_SHAPE).map(([field, kind]) => [field, kinds[kind]])));
  const message = z.object({ code: z.number().int(), message: z.string() });
  const envelope = z.object({ success: z.boolean(), errors: z.array(message).nullish(), messages: z.array(message).nullish(), result: z.unknown() });
  const fields: FieldsReader = (value) => {
    const parsed = key.safeParse(value);
    return parsed.success ? (parsed.data as KeyFields) : describeIssues(parsed.error.issues);
  };
  return { envelope, fields };
}

/** The hand check of the envelope: `success: true`, and `errors` and `messages` absent, null or lists of `{ code, message }`. */
export function successResult(json: unknown): { result: unknown; resultInfo: unknown } | undefined {
  if (!isRecord(json) || json.success !== true || !isMessageList(json.errors) || !isMessageList(json.messages)) return undefined;
  return { result: json.result, resultInfo: json.result_info };
}

function isMessageList(value: unknown): boolean {
  return value === undefined || value === null || messageList(value) !== undefined;
}

/** A list of Cloudflare's `{ code, message }`, or `undefined` if `value` is not one. */
function messageList(value: unknown): CloudflareMessage[] | undefined {
  const ok = Array.isArray(value) && value.every((m) => isRecord(m) && Number.isSafeInteger(m.code) && typeof m.message === "string");
  return ok ? (value as CloudflareMessage[]) : undefined;
}

/** Reads the key `keyId` of `accountId`. A result without `uid` is the key asked for; one naming another key is refused. */
export function readKey(accountId: string, keyId: string): ResultReader<TurnKey> {
  return (result, _info, read) => {
    const fields = read(result);
    if (typeof fields === "string") return `the result ${fields}`;
    if (fields.uid !== undefined && fields.uid !== keyId) return `it describes key ${fields.uid}, not the key asked for`;
    return { accountId, keyId, name: fields.name, uid: keyId, created: fields.created, modified: fields.modified };
  };
}

/** Reads one page of `accountId`'s keys. Every item needs a `uid`: in a list nothing else identifies it. */
export function readKeyList(accountId: string): ResultReader<{ keys: TurnKey[]; totalPages: number | undefined }> {
  return (result, info, read) => {
    if (!Array.isArray(result)) return `the result is ${result === null ? "null" : typeof result}, not a list of keys`;
    const keys: TurnKey[] = [];
    for (const [index, item] of result.entries()) {
      const fields = read(item);
      if (typeof fields === "string" || fields.uid === undefined) return `item ${index} of the list: ${typeof fields === "string" ? fields : "uid is missing"}`;
      const uid = fields.uid;
      keys.push({ accountId, keyId: uid, name: fields.name, uid, created: fields.created, modified: fields.modified });
    }
    // Pages are followed when `result_info` says how many there are; anything else reads as one page.
    const total = isRecord(info) ? info.total_pages : undefined;
    return { keys, totalPages: Number.isSafeInteger(total) && (total as number) >= 0 ? (total as number) : undefined };
  };
}

const MAX_ERRORS_SHOWN = 5;
/** Cloudflare's codes for a path it has no route for, as opposed to a missing object. */
const NO_ROUTE_CODES = new Set([7000, 7003]);

/**
 * Reads one response: the value asked for, or throws the {@link CloudflareApiError}
 * it stands for. Only an answer off the documented shape waits, for zod.
 */
export function interpretResponse<T>(res: HttpResponse, who: RequestIdentity, attempts: number, reader: ResultReader<T>): T | Promise<T> {
  if (res.status >= 300 && res.status < 400) {
    const location = header(res, "location", who.secrets) ?? "nowhere";
    throw malformed(res, who, attempts, `a redirect to ${location}, which is never followed so the credential stays with its origin`);
  }
  const json = parseJson(res.body);
  if (res.status < 200 || res.status >= 300) {
    throw errorForStatus(res.status, { ...details(res, who, attempts), errors: readErrors(json, who.secrets) }, json, who);
  }
  const contentType = res.headers["content-type"];
  if (typeof contentType !== "string" || !/^application\/([a-z.+-]+\+)?json\b/i.test(contentType)) {
    const shown = header(res, "content-type", who.secrets);
    throw malformed(res, who, attempts, `content type ${shown ? JSON.stringify(shown) : "missing"}, expected application/json`);
  }
  if (json === undefined) throw malformed(res, who, attempts, res.body.length === 0 ? "an empty body" : "a body that is not valid JSON");
  const success = successResult(json);
  const value = success && reader(success.result, success.resultInfo, fastFields);
  return value !== undefined && typeof value !== "string" ? value : diagnose(json, res, who, attempts, reader);
}

/** A successful response off the documented shape: zod says what is wrong with it, or reads it after all. */
async function diagnose<T>(json: unknown, res: HttpResponse, who: RequestIdentity, attempts: number, reader: ResultReader<T>): Promise<T> {
  const zod = await zodReading();
  const envelope = zod.envelope.safeParse(json);
  if (!envelope.success) throw malformed(res, who, attempts, `the envelope ${describeIssues(envelope.error.issues)}`);
  if (!envelope.data.success) {
    const errors = readErrors(json, who.secrets);
    const summary = `Cloudflare answered the ${who.what} with success: false`;
    throw new CloudflareApiError({ ...details(res, who, attempts), errors, summary, hint: errors.length === 0 ? "The response named no error" : undefined });
  }
  const value = reader(envelope.data.result, (json as { result_info?: unknown }).result_info, zod.fields);
  if (typeof value === "string") throw malformed(res, who, attempts, value);
  return value;
}

/** Whom an error is about. */
export function about(who: RequestIdentity): Pick<CloudflareApiErrorDetails, "accountId" | "keyId" | "keyName"> {
  return { accountId: who.accountId, keyId: who.keyId, keyName: who.keyName };
}

/** What an error about one response carries. */
function details(res: HttpResponse, who: RequestIdentity, attempts: number): Omit<CloudflareApiErrorDetails, "summary"> {
  return { ...about(who), status: res.status, rayId: header(res, "cf-ray", who.secrets), attempts };
}

/** The response is not in the documented shape, for `problem`. */
function malformed(res: HttpResponse, who: RequestIdentity, attempts: number, problem: string): CloudflareResponseError {
  return new CloudflareResponseError({
    ...details(res, who, attempts),
    summary: `Cloudflare's response to the ${who.what} is not the documented shape: ${problem}`,
    hint: `Check that ${settingLabel("baseUrl", who.names)} points at the Cloudflare API (or a faithful emulator); if it does, report this with the cf-ray id`,
  });
}

/** A failure of the whole account met by another of its requests, written for the request `who` (a key's lookup names its key). */
export function accountFailureFor(err: CloudflareApiError, who: RequestIdentity): CloudflareApiError {
  const details = { ...about(who), status: err.status, errors: err.errors, rayId: err.rayId, attempts: err.attempts };
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
      hint: `The API allows ${CLOUDFLARE_RATE_LIMIT.text}, shared by every tool using the token; retry later`,
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
  const errors = isRecord(json) ? messageList(json.errors) : undefined;
  return (errors ?? []).slice(0, MAX_ERRORS_SHOWN).map((e) => ({ code: e.code, message: sanitizeServerText(e.message, secrets) }));
}

/** A response header, made safe to show. */
export function header(res: Pick<HttpResponse, "headers">, name: string, secrets: readonly string[]): string | undefined {
  const v = res.headers[name];
  const text = Array.isArray(v) ? v[0] : v;
  return text === undefined ? undefined : sanitizeServerText(text, secrets);
}

/** zod issues in a few words: `name is missing; created: Invalid ISO datetime`. */
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
