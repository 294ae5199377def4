/**
 * Readers of a successful response's `result`: one key, or one page of an
 * account's list. Both read as tolerantly as Cloudflare's schema allows.
 * Each has a fast path for the common shape (`shape.ts`, no zod) and a
 * detailed one that loads the zod schemas to say what is wrong.
 */
import type { z } from "zod";
import { type ResultReader, describeIssues } from "./response";
import { type KeyFields, keyFields, pageInfo, schemas, successResult } from "./shape";
import type { TurnKey } from "../core/types";

/** One page of a list: its keys, and how many pages the server says there are (if it pages at all). */
export interface KeyListPage {
  readonly keys: TurnKey[];
  readonly totalPages: number | undefined;
}

/** Reads the key `keyId` of `accountId`. A result without `uid` is the key asked for; one naming another key is refused. */
export function readKey(accountId: string, keyId: string): ResultReader<TurnKey> {
  return new KeyReader(accountId, keyId);
}

/** One per request: a class, so that a lookup makes one object here and no closures. */
class KeyReader implements ResultReader<TurnKey> {
  constructor(
    private readonly accountId: string,
    private readonly keyId: string,
  ) {}

  fast(json: unknown): TurnKey | undefined {
    const fields = keyFields(successResult(json)?.result, this.keyId);
    return fields && (fields.uid ?? this.keyId) === this.keyId ? this.toKey(fields) : undefined;
  }

  async read(result: unknown): Promise<{ ok: true; value: TurnKey } | { ok: false; problem: string }> {
    const { turnKeyResultSchema } = await schemas();
    const parsed = turnKeyResultSchema.safeParse(result);
    if (!parsed.success) return { ok: false, problem: `the result ${describeIssues(parsed.error.issues)}` };
    if (parsed.data.uid !== undefined && parsed.data.uid !== this.keyId)
      return { ok: false, problem: `it describes key ${parsed.data.uid}, not the key asked for` };
    return { ok: true, value: this.toKey(parsed.data) };
  }

  private toKey(r: KeyFields): TurnKey {
    return { accountId: this.accountId, keyId: this.keyId, name: r.name, uid: r.uid ?? this.keyId, created: r.created, modified: r.modified };
  }
}

/** Reads one page of `accountId`'s keys. Every item needs a `uid`: in a list nothing else identifies it. */
export function readKeyList(accountId: string): ResultReader<KeyListPage> {
  const toKey = (r: KeyFields, uid: string): TurnKey => ({ accountId, keyId: uid, name: r.name, uid, created: r.created, modified: r.modified });
  return {
    fast(json) {
      const success = successResult(json);
      const info = pageInfo(success?.resultInfo);
      if (!success || !info || !Array.isArray(success.result)) return undefined;
      const keys: TurnKey[] = [];
      for (const item of success.result) {
        const fields = keyFields(item);
        if (!fields?.uid) return undefined;
        keys.push(toKey(fields, fields.uid));
      }
      return { keys, totalPages: info.totalPages };
    },
    async read(result, info) {
      if (!Array.isArray(result)) return { ok: false, problem: `the result is ${result === null ? "null" : typeof result}, not a list of keys` };
      const { turnKeyResultSchema, resultInfoSchema } = await schemas();
      const listItemSchema = turnKeyResultSchema.required({ uid: true });
      const items: z.infer<typeof listItemSchema>[] = [];
      for (const [index, item] of result.entries()) {
        const parsed = listItemSchema.safeParse(item);
        if (!parsed.success) return { ok: false, problem: `item ${index} of the list: ${describeIssues(parsed.error.issues)}` };
        items.push(parsed.data);
      }
      const pages = resultInfoSchema.safeParse(info);
      return { ok: true, value: { keys: items.map((item) => toKey(item, item.uid)), totalPages: pages.success ? pages.data.total_pages : undefined } };
    },
  };
}
