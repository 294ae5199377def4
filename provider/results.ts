/**
 * Readers of a successful response's `result`: one key, or one page of an
 * account's list. Both read as tolerantly as Cloudflare's schema allows.
 */
import { z } from "zod";
import type { TurnKey } from "./types";
import { type ResultReader, describeIssues } from "./response";
import { envelopeSchema, resultInfoSchema, successSchema, turnKeyResultSchema } from "./schema";

/** One page of a list: its keys, and how many pages the server says there are (if it pages at all). */
export interface KeyListPage {
  readonly keys: TurnKey[];
  readonly totalPages: number | undefined;
}

/** Reads the key `keyId` of `accountId`. A result without `uid` is the key asked for; one naming another key is refused. */
export function readKey(accountId: string, keyId: string): ResultReader<TurnKey> {
  const toKey = (r: z.infer<typeof turnKeyResultSchema>): TurnKey => ({ accountId, keyId, name: r.name, uid: r.uid ?? keyId, created: r.created, modified: r.modified });
  return {
    fast(json) {
      const whole = successSchema.safeParse(json);
      return whole.success && (whole.data.result.uid ?? keyId) === keyId ? toKey(whole.data.result) : undefined;
    },
    read(result) {
      const parsed = turnKeyResultSchema.safeParse(result);
      if (!parsed.success) return { ok: false, problem: `the result ${describeIssues(parsed.error.issues)}` };
      if (parsed.data.uid !== undefined && parsed.data.uid !== keyId) return { ok: false, problem: `it describes key ${parsed.data.uid}, not the key asked for` };
      return { ok: true, value: toKey(parsed.data) };
    },
  };
}

const listItemSchema = turnKeyResultSchema.required({ uid: true });
const listSuccessSchema = envelopeSchema.extend({ success: z.literal(true), result: z.array(listItemSchema) });

/** Reads one page of `accountId`'s keys. Every item needs a `uid`: in a list nothing else identifies it. */
export function readKeyList(accountId: string): ResultReader<KeyListPage> {
  const toKey = (r: z.infer<typeof listItemSchema>): TurnKey => ({ accountId, keyId: r.uid, name: r.name, uid: r.uid, created: r.created, modified: r.modified });
  const page = (items: z.infer<typeof listItemSchema>[], info: unknown): KeyListPage => {
    const parsed = resultInfoSchema.safeParse(info);
    return { keys: items.map(toKey), totalPages: parsed.success ? parsed.data.total_pages : undefined };
  };
  return {
    fast(json) {
      const whole = listSuccessSchema.safeParse(json);
      return whole.success ? page(whole.data.result, whole.data.result_info) : undefined;
    },
    read(result, info) {
      if (!Array.isArray(result)) return { ok: false, problem: `the result is ${result === null ? "null" : typeof result}, not a list of keys` };
      const items: z.infer<typeof listItemSchema>[] = [];
      for (const [index, item] of result.entries()) {
        const parsed = listItemSchema.safeParse(item);
        if (!parsed.success) return { ok: false, problem: `item ${index} of the list: ${describeIssues(parsed.error.issues)}` };
        items.push(parsed.data);
      }
      return { ok: true, value: page(items, info) };
    },
  };
}
