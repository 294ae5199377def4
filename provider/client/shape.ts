/**
 * The common case of a successful response, checked by hand: the envelope
 * with `success: true` and a result in the documented shape, with dates in
 * canonical RFC 3339. Loading zod and building its schemas costs more CPU
 * than the rest of a lookup, so successful answers are read here and zod is
 * loaded only to diagnose an answer that is not of this shape (`schema.ts`).
 *
 * The rule is deliberately stricter than the zod schemas: whatever this
 * accepts, they accept with the same result (a property test holds the two
 * together); whatever it does not, goes to them.
 */
import { ID_PATTERN } from "../core/ids";
import type * as Schemas from "./schema";

/** The zod schemas, loaded when first needed: only an answer off the common shape needs them. */
export function schemas(): Promise<typeof Schemas> {
  return import("./schema.js");
}

/** A key's fields as the result gives them, defaults applied. */
export interface KeyFields {
  readonly uid?: string | undefined;
  readonly name: string;
  readonly created: string;
  readonly modified: string;
}

/** `result_info` of a paged list: how many pages, if it says. */
export interface PageInfo {
  readonly totalPages: number | undefined;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A list of Cloudflare's `{ code, message }`, or `undefined` if `value` is not one. */
export function messageList(value: unknown): { code: number; message: string }[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list: { code: number; message: string }[] = [];
  for (const m of value) {
    if (!isRecord(m) || !Number.isSafeInteger(m.code) || typeof m.message !== "string") return undefined;
    list.push({ code: m.code as number, message: m.message });
  }
  return list;
}

/** `errors` and `messages`: absent, null, or a list of `{ code, message }`. */
function isMessageList(value: unknown): boolean {
  return value === undefined || value === null || messageList(value) !== undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** A date the way Cloudflare writes one, on a day the calendar has. */
function isCanonicalDate(value: string): boolean {
  // `test` and digit arithmetic rather than `exec`: two dates are read per key, and a match array with its strings costs more than the check.
  if (!RFC3339.test(value)) return false;
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(digitsAt(value, 0, 4), month);
}

/** The number that `count` ASCII digits of `text` from `from` spell. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** Days in `month` (1 to 12) of `year`, by the Gregorian calendar. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An optional date field: absent reads as `""`. */
function dateField(value: unknown): string | undefined {
  if (value === undefined) return "";
  return typeof value === "string" && isCanonicalDate(value) ? value : undefined;
}

/**
 * A result's key fields, or `undefined` if any is off the common shape.
 * `askedFor` is the key id the request named (already checked): a `uid`
 * equal to it needs no second check.
 */
export function keyFields(result: unknown, askedFor?: string): KeyFields | undefined {
  if (!isRecord(result)) return undefined;
  const { uid, name } = result;
  if (uid !== undefined && !(typeof uid === "string" && (uid === askedFor || ID_PATTERN.test(uid)))) return undefined;
  if (name !== undefined && typeof name !== "string") return undefined;
  const created = dateField(result.created);
  const modified = dateField(result.modified);
  if (created === undefined || modified === undefined) return undefined;
  return { uid, name: name ?? "", created, modified };
}

/** The `result` of a successful envelope, or `undefined` if the envelope is off the common shape. */
export function successResult(json: unknown): { result: unknown; resultInfo: unknown } | undefined {
  if (!isRecord(json) || json.success !== true || !isMessageList(json.errors) || !isMessageList(json.messages)) return undefined;
  return { result: json.result, resultInfo: json.result_info };
}

/** `result_info`, when it is absent or plainly well formed; `undefined` otherwise. */
export function pageInfo(info: unknown): PageInfo | undefined {
  if (info === undefined) return { totalPages: undefined };
  if (!isRecord(info)) return undefined;
  const { page, total_pages: total } = info;
  if (page !== undefined && !(Number.isSafeInteger(page) && (page as number) > 0)) return undefined;
  if (total !== undefined && !(Number.isSafeInteger(total) && (total as number) >= 0)) return undefined;
  return { totalPages: total as number | undefined };
}
