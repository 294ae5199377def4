/**
 * The ids the dynamic resources are read under: a `TurnKeyLookup` by id
 * under its key id, one by name under `name:<name>` (it does not know the
 * key's id yet), and every `TurnKeys` under `turn_keys` (the account is an
 * input). The provider process reads them back to know which read it serves.
 */

/** The prefix of a by-name lookup's resource id: it is read under its name, not the key's id (which it does not know yet). */
const BY_NAME_ID_PREFIX = "name:";

/** The resource id a lookup by `name` is registered under. */
export function byNameResourceId(name: string): string {
  return `${BY_NAME_ID_PREFIX}${name}`;
}

/** The name a by-name lookup's resource id stands for, or `undefined` for a key id. */
export function nameOfResourceId(id: string): string | undefined {
  return id.startsWith(BY_NAME_ID_PREFIX) ? id.slice(BY_NAME_ID_PREFIX.length) : undefined;
}

/** The resource id every `TurnKeys` read is registered under; the account is an input. */
export const TURN_KEYS_ID = "turn_keys";
