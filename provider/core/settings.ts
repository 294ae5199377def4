/**
 * The settings a lookup reads, in one table: each row names the option, the
 * stack-config key, the environment variable and whether the value is a
 * secret. Option parsing, the provider's `configure`, the environment
 * fallback, the clear-text warning and every error text are driven by it.
 */
import { TurnKeyInputError } from "./errors";
import { editDistance } from "./names";

/** One setting: where it is read from, and its default. */
export interface SettingRow {
  /** The option's name in {@link ConnectionSettings}, the client's options or the request limits. */
  readonly option: string;
  /** What it configures: the connection (credential, base URL, User-Agent), the request limits, a call, or the account. */
  readonly group: "connection" | "limits" | "call" | "account";
  /** The stack-config key (named as `@pulumi/cloudflare` names it), if the stack config may set it. */
  readonly configKey: string | undefined;
  /** The environment variable (as the bridged provider and Wrangler read it), if any. */
  readonly env: string | undefined;
  /** Whether the value is a credential: kept out of every message, warned about when stored in clear. */
  readonly secret: boolean;
  /** The value when nothing sets it, if there is one. */
  readonly default: string | number | undefined;
}

/** Every setting, in the order the docs list them. */
export const SETTINGS = [
  { option: "apiToken", group: "connection", configKey: "cloudflare:apiToken", env: "CLOUDFLARE_API_TOKEN", secret: true, default: undefined },
  { option: "apiKey", group: "connection", configKey: "cloudflare:apiKey", env: "CLOUDFLARE_API_KEY", secret: true, default: undefined },
  { option: "email", group: "connection", configKey: "cloudflare:email", env: "CLOUDFLARE_EMAIL", secret: false, default: undefined },
  {
    option: "baseUrl",
    group: "connection",
    configKey: "cloudflare:baseUrl",
    env: "CLOUDFLARE_BASE_URL",
    secret: false,
    default: "https://api.cloudflare.com/client/v4",
  },
  {
    option: "userAgentOperatorSuffix",
    group: "connection",
    configKey: "cloudflare:userAgentOperatorSuffix",
    env: "CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX",
    secret: false,
    default: undefined,
  },
  { option: "accountId", group: "account", configKey: undefined, env: "CLOUDFLARE_ACCOUNT_ID", secret: false, default: undefined },
  { option: "maxConcurrency", group: "limits", configKey: "turnKeyLookup:maxConcurrency", env: undefined, secret: false, default: 16 },
  { option: "requestsPerInterval", group: "limits", configKey: "turnKeyLookup:requestsPerInterval", env: undefined, secret: false, default: 1200 },
  { option: "intervalMs", group: "limits", configKey: "turnKeyLookup:intervalMs", env: undefined, secret: false, default: 300_000 },
  // Half the window: room for the user's other tools.
  { option: "burst", group: "limits", configKey: "turnKeyLookup:burst", env: undefined, secret: false, default: 600 },
  { option: "timeoutMs", group: "call", configKey: undefined, env: undefined, secret: false, default: 60_000 },
  { option: "maxRetries", group: "call", configKey: undefined, env: undefined, secret: false, default: 3 },
] as const satisfies readonly SettingRow[];

type Row = (typeof SETTINGS)[number];

/** The name of a setting. */
export type SettingName = Row["option"];

/** The names of the settings of one group. */
type NamesOf<G extends SettingRow["group"]> = Extract<Row, { group: G }>["option"];

/** The settings that describe a connection: credential, base URL and User-Agent suffix. */
export const CONNECTION_SETTINGS = SETTINGS.filter((row) => row.group === "connection").map((row) => row.option) as readonly NamesOf<"connection">[];

/** The request limits' settings. */
export const LIMIT_SETTINGS = SETTINGS.filter((row) => row.group === "limits").map((row) => row.option) as readonly NamesOf<"limits">[];

/**
 * Where credentials and the base URL come from, with the names users already
 * have from `@pulumi/cloudflare`: `apiToken` (preferred, sent as
 * `Authorization: Bearer`), `apiKey` with `email` (the legacy global key),
 * `baseUrl` (ending at `/client/v4`) and `userAgentOperatorSuffix`.
 */
export type ConnectionSettings = { [K in NamesOf<"connection">]?: string | undefined };

/** The default of a setting that has a numeric one. */
export function defaultOf(option: { [K in Row["option"]]: Extract<Row, { option: K }>["default"] extends number ? K : never }[Row["option"]]): number {
  return setting(option).default as number;
}

/** Cloudflare's public API base. */
export const DEFAULT_BASE_URL = setting("baseUrl").default as string;

/** The row of `option`. */
export function setting(option: SettingName): SettingRow {
  return SETTINGS.find((row) => row.option === option)!;
}

/** How a message names a setting: `cloudflare:apiToken / CLOUDFLARE_API_TOKEN`, or the option's name where only an option sets it (`timeoutMs`). */
export function settingLabel(option: SettingName): string {
  const row = setting(option);
  const sources = [row.configKey, row.env].filter((x) => x !== undefined);
  return sources.length > 0 ? sources.join(" / ") : row.option;
}

/** The environment variable of each connection setting, in {@link CONNECTION_SETTINGS} order. */
export const CONNECTION_ENV: readonly string[] = CONNECTION_SETTINGS.map((o) => setting(o).env!);

/** Reads the connection settings from environment variables (empty values count as unset). */
export function connectionFromEnv(env: NodeJS.ProcessEnv): ConnectionSettings {
  return Object.fromEntries(CONNECTION_SETTINGS.map((o, i) => [o, nonEmpty(env[CONNECTION_ENV[i]])]));
}

/** Reads the connection settings from the stack config, through `get` (a key in, a string or nothing out). */
export function connectionFromConfig(get: (configKey: string) => string | undefined): ConnectionSettings {
  return Object.fromEntries(CONNECTION_SETTINGS.map((o) => [o, nonEmpty(get(setting(o).configKey!))]));
}

/** The secret settings that the stack config holds in clear text, by config key. */
export function secretsInClear(isSet: (configKey: string) => boolean, isSecret: (configKey: string) => boolean): string[] {
  return SETTINGS.filter((row) => row.secret && row.configKey !== undefined && isSet(row.configKey) && !isSecret(row.configKey)).map((row) => row.configKey!);
}

/** What a stack's config keys say about likely typos: never their values. */
export interface ConfigKeyHints {
  /** Keys set that are a near miss (case, or one edit) of a known key that is not set. */
  readonly nearMisses: readonly { readonly key: string; readonly meant: string }[];
  /** `turnKeyLookup:` keys that are no setting and no near miss of one. */
  readonly unknown: readonly string[];
}

/** How one face names its config keys: the TypeScript forms' stack config (`cloudflare:apiToken`), or the plugin's (`cloudflare-turn-lookup:apiToken`). */
export interface ConfigKeys {
  /** The config key of a setting on this face, if the face's config sets it. */
  readonly keyOf: (row: SettingRow) => string | undefined;
  /** The namespace that is this package's own: any other key in it is unknown. */
  readonly ownPrefix: string;
}

/** The TypeScript forms' config keys: `@pulumi/cloudflare`'s names, and `turnKeyLookup:` for the limits. */
const PROGRAM_CONFIG_KEYS: ConfigKeys = { keyOf: (row) => row.configKey, ownPrefix: "turnKeyLookup:" };

/**
 * Reads the names of the stack's config keys for typos of ours: a key that
 * differs from a known key only in case or by one edit, while the known key
 * is not set, is a near miss; any other key of our own namespace is unknown.
 * Keys of other namespaces are other packages' business.
 */
export function configKeyHints(keys: Iterable<string>, face: ConfigKeys = PROGRAM_CONFIG_KEYS): ConfigKeyHints {
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
export function isCredentialKey(configKey: string, face: ConfigKeys = PROGRAM_CONFIG_KEYS): boolean {
  return CREDENTIAL_SETTINGS.some((o) => face.keyOf(setting(o)) === configKey);
}

/**
 * The warning about a credential stored in the stack config without
 * `--secret`, naming the stack's config file (`Pulumi.<stack>.yaml`), or the
 * stack config in general when the stack is not known.
 */
export function clearTextWarning(configKey: string, stack: string | undefined): string {
  const placeholder = configKey.endsWith("Token") ? "<token>" : "<key>";
  const file = stack === undefined ? "Pulumi.<stack>.yaml" : `Pulumi.${stack}.yaml`;
  return (
    `${configKey} is stored in the stack config in clear text (${file}, which is usually committed). ` +
    `Store it encrypted instead: pulumi config set --secret ${configKey} ${placeholder}`
  );
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
export function withConfigHints(err: unknown, hints: ConfigKeyHints, face: ConfigKeys = PROGRAM_CONFIG_KEYS): unknown {
  if (!TurnKeyInputError.isInstance(err) || hints.nearMisses.length === 0) return err;
  // A missing token may be a mistyped token, key or email.
  const fields: readonly string[] = err.field === "apiToken" ? CREDENTIAL_SETTINGS : [err.field];
  const related = hints.nearMisses.filter((m) => fields.some((f) => SETTINGS.some((row: SettingRow) => row.option === f && face.keyOf(row) === m.meant)));
  if (related.length === 0) return err;
  return new TurnKeyInputError(err.field, `${err.message} ${related.map(nearMissSentence).join(" ")}`);
}

/** The account id from `CLOUDFLARE_ACCOUNT_ID`, if set. */
export function accountIdFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return nonEmpty(env[setting("accountId").env!]);
}

/** Checks a whole-number option: `undefined` gives `fallback`; anything else must be an integer >= `min`. */
export function wholeNumber(field: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TurnKeyInputError(field, `${field} must be a whole number >= ${min}; got ${String(value)}.`);
  }
  return value;
}

/** `value` trimmed, or `undefined` when that leaves nothing (an empty setting counts as unset). */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Tunable limits of a client's requests. */
export interface RequestLimits {
  /** Most requests of one client in flight at once. Default 16. */
  maxConcurrency: number;
  /** Requests the budget refills per `intervalMs`. Default 1,200. */
  requestsPerInterval: number;
  /** The budget's refill period in ms. Default 300,000 (five minutes). */
  intervalMs: number;
  /** Requests that may go at once before the refill rate applies. Default 600: half the window, leaving room for the user's other tools. */
  burst: number;
}

/** The defaults of {@link RequestLimits}, from the settings table. */
export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = Object.freeze(
  Object.fromEntries(LIMIT_SETTINGS.map((option) => [option, defaultOf(option)])) as unknown as RequestLimits,
);

/**
 * `current` with `changes` applied, each checked: a value that is not a
 * positive whole number is a {@link TurnKeyInputError} naming it.
 */
export function mergeLimits(current: Readonly<RequestLimits>, changes: Partial<RequestLimits>): RequestLimits {
  const next = { ...current };
  for (const field of LIMIT_SETTINGS) {
    next[field] = wholeNumber(field, changes[field], current[field]);
  }
  return next;
}

/**
 * The limits the stack config sets (`turnKeyLookup:maxConcurrency`, ...), read
 * through `get`. A value that is not a whole number is a {@link TurnKeyInputError} naming its key.
 */
export function limitsFromConfig(get: (configKey: string) => string | undefined): Partial<RequestLimits> {
  const limits: Partial<RequestLimits> = {};
  for (const field of LIMIT_SETTINGS) {
    const configKey = setting(field).configKey!;
    const raw = get(configKey);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw.trim())) throw new TurnKeyInputError(field, `${configKey} must be a whole number; got ${JSON.stringify(raw)}.`);
    limits[field] = Number(raw.trim());
  }
  return limits;
}
