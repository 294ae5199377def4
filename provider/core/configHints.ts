/**
 * Typos in a face's config keys: a key one edit or a case away from one of
 * ours, while ours is not set, is a near miss, named in a warning and in the
 * missing-credential error; any other key of our own namespace is unknown.
 * Only key names are read, never values.
 */
import { TurnKeyInputError } from "./errors";
import { editDistance } from "./names";
import { SETTINGS, type SettingNames, type SettingRow, setting } from "./settings";

/** What a stack's config keys say about likely typos: never their values. */
export interface ConfigKeyHints {
  /** Keys set that are a near miss (case, or one edit) of a known key that is not set. */
  readonly nearMisses: readonly { readonly key: string; readonly meant: string }[];
  /** `turnKeyLookup:` keys that are no setting and no near miss of one. */
  readonly unknown: readonly string[];
}

/**
 * Reads the names of the stack's config keys for typos of ours: a key that
 * differs from a known key only in case or by one edit, while the known key
 * is not set, is a near miss; any other key of our own namespace is unknown.
 * Keys of other namespaces are other packages' business.
 */
export function configKeyHints(keys: Iterable<string>, face: SettingNames): ConfigKeyHints {
  const set = new Set(keys);
  const known = SETTINGS.flatMap((row) => face.keyOf(row) ?? []);
  const nearMisses: { key: string; meant: string }[] = [];
  const unknown: string[] = [];
  for (const key of set) {
    if (known.includes(key)) continue;
    const meant = known.find((k) => !set.has(k) && (k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 1));
    if (meant !== undefined) nearMisses.push({ key, meant });
    else if (key.startsWith(face.ownPrefix)) unknown.push(key);
  }
  return { nearMisses, unknown };
}

/** The settings that make up a credential: a near miss of one may be why none is found. */
const CREDENTIAL_SETTINGS = ["apiToken", "apiKey", "email"] as const;

/** Whether the near miss `meant` a credential setting's key. */
export function isCredentialKey(configKey: string, face: SettingNames): boolean {
  return CREDENTIAL_SETTINGS.some((o) => face.keyOf(setting(o)) === configKey);
}

/** The sentence that names a near miss: `cloudflare:apitoken is set, but cloudflare:apiToken is not: ...`. */
export function nearMissSentence({ key, meant }: { key: string; meant: string }): string {
  return `${key} is set, but ${meant} is not: did you mean ${meant}? Config keys are case-sensitive (pulumi config rm ${key}, then set ${meant}).`;
}

/**
 * An input error about a setting, with the near misses of its config keys
 * named: "No Cloudflare credential found" says that `cloudflare:apitoken`
 * is set. Any other error is returned as it is.
 */
export function withConfigHints(err: unknown, hints: ConfigKeyHints, face: SettingNames): unknown {
  if (!TurnKeyInputError.isInstance(err) || hints.nearMisses.length === 0) return err;
  // A missing token may be a mistyped token, key or email.
  const fields: readonly string[] = err.field === "apiToken" ? CREDENTIAL_SETTINGS : [err.field];
  const related = hints.nearMisses.filter((m) => fields.some((f) => SETTINGS.some((row: SettingRow) => row.option === f && face.keyOf(row) === m.meant)));
  if (related.length === 0) return err;
  return new TurnKeyInputError(err.field, `${err.message} ${related.map(nearMissSentence).join(" ")}`);
}
