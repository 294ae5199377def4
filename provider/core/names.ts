/** Finding one key by its name among an account's keys. */
import type { TurnKey } from "./types";
import { TurnKeyAmbiguousError, TurnKeyNotFoundError } from "./errors";

/** How many near names a not-found error suggests. */
const NEAREST_SHOWN = 5;

/**
 * The one key of `keys` named exactly `name` (case-sensitive). None is a
 * {@link TurnKeyNotFoundError} that counts the account's keys and suggests
 * the nearest names; several is a {@link TurnKeyAmbiguousError} listing their uids.
 */
export function matchName(accountId: string, name: string, keys: readonly TurnKey[]): TurnKey {
  const matches = keys.filter((k) => k.name === name);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1)
    throw new TurnKeyAmbiguousError(
      accountId,
      name,
      matches.map((k) => k.uid),
    );
  const nearest = nearestNames(
    name,
    keys.map((k) => k.name),
  );
  const count = keys.length === 1 ? "1 TURN key" : `${keys.length} TURN keys`;
  throw new TurnKeyNotFoundError({
    accountId,
    keyName: name,
    summary: `No TURN key is named ${JSON.stringify(name)}`,
    hint:
      keys.length === 0
        ? "The account has no TURN keys"
        : `The account has ${count}; the nearest names are ${nearest.map((n) => JSON.stringify(n)).join(", ")}. Names are exact and case-sensitive`,
  });
}

/** Up to {@link NEAREST_SHOWN} distinct names, nearest to `name` first (edit distance, then alphabetical). */
export function nearestNames(name: string, names: readonly string[]): string[] {
  return [...new Set(names)]
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0))
    .slice(0, NEAREST_SHOWN)
    .map((x) => x.candidate);
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
