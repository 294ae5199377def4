/**
 * Pulumi's marks on values that cross the engine's wire: a secret is an
 * object under a signature key, an unknown (a value a preview does not know
 * yet) a fixed string. Kept apart from the protobuf code, which the
 * lookups' bundle does not load.
 */

/** The key of Pulumi's special-value signature. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value not known in a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `value` is the engine's unknown marker (or missing, as an output left out of a preview's result is). */
export function isUnknown(value: unknown): boolean {
  return value === undefined || value === UNKNOWN;
}
