import { z } from "zod";
import { ID_PATTERN } from "../core/ids";

/**
 * Shapes of Cloudflare's responses. Objects are not strict: Cloudflare may add
 * fields at any time, and unknown ones are dropped rather than refused.
 */

/** One `{ code, message }` entry of `errors` or `messages`. */
export const cloudflareMessageSchema = z.object({
  code: z.number().int(),
  message: z.string(),
});

/** The envelope every response carries. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(cloudflareMessageSchema).nullish(),
  messages: z.array(cloudflareMessageSchema).nullish(),
  result: z.unknown(),
  result_info: z.unknown().optional(),
});

/**
 * A TURN key as Cloudflare's schema describes it: every field optional, and
 * `name` defaulting to `""`. A missing `created` or `modified` reads as `""`
 * (unknown), never as an invented date. A missing `uid` is filled in by the
 * caller where the request names the key, and refused in a list, where
 * nothing else identifies the item.
 */
export const turnKeyResultSchema = z.object({
  uid: z.string().regex(ID_PATTERN, "uid must be 32 lowercase hexadecimal characters").optional(),
  name: z.string().default(""),
  created: z.iso.datetime({ offset: true }).default(""),
  modified: z.iso.datetime({ offset: true }).default(""),
});

/** `result_info` of a paged list, when a response carries one. */
export const resultInfoSchema = z.object({
  page: z.number().int().positive().optional(),
  total_pages: z.number().int().nonnegative().optional(),
});
