import { z } from "zod";

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
});

/** A TURN key as `GET .../calls/turn_keys/{key_id}` returns it. */
export const turnKeyResultSchema = z.object({
  uid: z.string().regex(/^[0-9a-f]{32}$/, "uid must be 32 lowercase hexadecimal characters"),
  name: z.string(),
  created: z.iso.datetime({ offset: true }),
  modified: z.iso.datetime({ offset: true }),
});

/** A successful lookup's whole body, checked in one pass (the common case). */
export const successSchema = envelopeSchema.extend({ success: z.literal(true), result: turnKeyResultSchema });

/** The parsed `result` of a successful lookup. */
export type TurnKeyResult = z.infer<typeof turnKeyResultSchema>;

/** Just the `errors` list, read leniently from a failed response's body. */
export const errorsOnlySchema = z.object({ errors: z.array(cloudflareMessageSchema) });
