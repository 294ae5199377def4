/**
 * The settings a lookup reads, in one table: each row names the option, the
 * stack-config key, the environment variable and whether the value is a
 * secret. Option parsing, the provider's `configure`, the environment
 * fallback, the clear-text warning and every error text are driven by it.
 */
import { TurnKeyInputError } from "./errors";

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
  /** Whether the provider plugin's config sets it (`cloudflare-turn-lookup:<option>`). */
  readonly plugin: boolean;
  /** What it is, in a sentence: the plugin's schema builds its descriptions from it (scripts/schema.mjs). */
  readonly description: string;
}

/** Cloudflare's request limit per user, which the default request budget mirrors. */
export const CLOUDFLARE_RATE_LIMIT = { requests: 1200, intervalMs: 300_000, text: "1,200 requests per five minutes per user" } as const;

/** Every setting, in the order the docs list them. */
export const SETTINGS = [
  {
    option: "apiToken",
    group: "connection",
    configKey: "cloudflare:apiToken",
    env: "CLOUDFLARE_API_TOKEN",
    secret: true,
    default: undefined,
    plugin: true,
    description: 'A Cloudflare API token with the "Calls Read" permission, sent as `Authorization: Bearer`.',
  },
  {
    option: "apiKey",
    group: "connection",
    configKey: "cloudflare:apiKey",
    env: "CLOUDFLARE_API_KEY",
    secret: true,
    default: undefined,
    plugin: true,
    description: "A legacy global API key, used with `email` instead of a token.",
  },
  {
    option: "email",
    group: "connection",
    configKey: "cloudflare:email",
    env: "CLOUDFLARE_EMAIL",
    secret: false,
    default: undefined,
    plugin: true,
    description: "The account email that goes with `apiKey`.",
  },
  {
    option: "baseUrl",
    group: "connection",
    configKey: "cloudflare:baseUrl",
    env: "CLOUDFLARE_BASE_URL",
    secret: false,
    default: "https://api.cloudflare.com/client/v4",
    plugin: true,
    description: "The API's base URL, ending at `/client/v4`: `https://`, or `http://` for a loopback host such as the local emulator.",
  },
  {
    option: "userAgentOperatorSuffix",
    group: "connection",
    configKey: "cloudflare:userAgentOperatorSuffix",
    env: "CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX",
    secret: false,
    default: undefined,
    plugin: true,
    description: "Text appended to the User-Agent of every request.",
  },
  {
    option: "accountId",
    group: "account",
    configKey: undefined,
    env: "CLOUDFLARE_ACCOUNT_ID",
    secret: false,
    default: undefined,
    plugin: true,
    description: "The account identifier tag used when a lookup names none (32 lowercase hexadecimal characters).",
  },
  {
    option: "maxConcurrency",
    group: "limits",
    configKey: "turnKeyLookup:maxConcurrency",
    env: undefined,
    secret: false,
    default: 16,
    plugin: true,
    description: "Most requests in flight at once.",
  },
  {
    option: "requestsPerInterval",
    group: "limits",
    configKey: "turnKeyLookup:requestsPerInterval",
    env: undefined,
    secret: false,
    default: CLOUDFLARE_RATE_LIMIT.requests,
    plugin: true,
    description: "Requests the rate budget refills per `intervalMs`, shared by every lookup with the same credential and base URL in the process.",
  },
  {
    option: "intervalMs",
    group: "limits",
    configKey: "turnKeyLookup:intervalMs",
    env: undefined,
    secret: false,
    default: CLOUDFLARE_RATE_LIMIT.intervalMs,
    plugin: true,
    description: "The rate budget's refill period in milliseconds.",
  },
  {
    option: "burst",
    group: "limits",
    configKey: "turnKeyLookup:burst",
    env: undefined,
    secret: false,
    default: 600,
    plugin: true,
    description: "Requests that may go at once before the refill rate applies: half the window, leaving room for the user's other tools.",
  },
  {
    option: "timeoutMs",
    group: "call",
    configKey: undefined,
    env: undefined,
    secret: false,
    default: 60_000,
    plugin: true,
    description: "Each lookup's total deadline in milliseconds, retries and waits included.",
  },
  {
    option: "maxRetries",
    group: "call",
    configKey: undefined,
    env: undefined,
    secret: false,
    default: 3,
    plugin: false,
    description: "Retries of a lookup after its first attempt, within its deadline.",
  },
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

/**
 * How one face of the package names its settings in messages: the
 * TypeScript forms by their stack-config keys (`cloudflare:apiToken`), the
 * plugin by its own (`cloudflare-turn-lookup:apiToken`), the plain client by
 * its options (`apiToken`). Each face gives the client its names when it
 * creates it, so that every message advises only what that face can set.
 */
export interface SettingNames {
  /** The key a user of this face sets the setting with, or `undefined` where this face cannot set it. */
  readonly keyOf: (row: SettingRow) => string | undefined;
  /** Whether those keys are stack config: advice then says `pulumi config set`, and mistyped keys are looked for. */
  readonly stackConfig: boolean;
  /** The namespace of this face's own config keys, where any key that is no setting is unknown. */
  readonly ownPrefix: string;
}

/** The TypeScript forms' names: `@pulumi/cloudflare`'s config keys, and `turnKeyLookup:` for the limits. */
export const PROGRAM_NAMES: SettingNames = { keyOf: (row) => row.configKey, stackConfig: true, ownPrefix: "turnKeyLookup:" };

/** The plain client's names: its options (the account is a call's argument). */
export const CLIENT_NAMES: SettingNames = {
  keyOf: (row) => (row.group === "account" ? undefined : row.option),
  stackConfig: false,
  ownPrefix: "",
};

/**
 * How a message names a setting on a face: its key and its environment
 * variable (`cloudflare:apiToken / CLOUDFLARE_API_TOKEN`), or `undefined`
 * where that face has no way to set it, so that no message advises it.
 */
export function settingLabel(option: SettingName, names: SettingNames): string | undefined {
  const row = setting(option);
  const sources = [names.keyOf(row), row.env].filter((x) => x !== undefined);
  return sources.length > 0 ? sources.join(" / ") : undefined;
}

/** What to do about a missing account id on a face: `pass accountId or set CLOUDFLARE_ACCOUNT_ID`, with the face's key where it has one. */
export function accountAdvice(names: SettingNames): string {
  const row = setting("accountId");
  const key = names.keyOf(row);
  return key === undefined ? `pass accountId or set ${row.env}` : `pass accountId, or set ${key} or ${row.env}`;
}

/** What to do about a missing credential on a face: the stack secret, or the option, or the environment variable. */
export function credentialAdvice(names: SettingNames): string {
  const row = setting("apiToken");
  const key = names.keyOf(row)!;
  return names.stackConfig
    ? `set the stack secret ${key} (pulumi config set --secret ${key} <token>) or the environment variable ${row.env}`
    : `pass ${key} or set the environment variable ${row.env}`;
}

/** The environment variable of each connection setting, in {@link CONNECTION_SETTINGS} order. */
export const CONNECTION_ENV: readonly string[] = CONNECTION_SETTINGS.map((o) => setting(o).env!);

/** Reads the connection settings from environment variables (empty values count as unset). */
export function connectionFromEnv(env: NodeJS.ProcessEnv): ConnectionSettings {
  return Object.fromEntries(CONNECTION_SETTINGS.map((o, i) => [o, nonEmpty(env[CONNECTION_ENV[i]])]));
}

/** Reads the connection settings from a face's config, through `get` (the face's key in, a string or nothing out). */
export function connectionFromConfig(get: (key: string) => string | undefined, names: SettingNames = PROGRAM_NAMES): ConnectionSettings {
  return Object.fromEntries(CONNECTION_SETTINGS.map((o) => [o, nonEmpty(get(names.keyOf(setting(o))!))]));
}

/** The secret settings that the stack config holds in clear text, by config key. */
export function secretsInClear(isSet: (configKey: string) => boolean, isSecret: (configKey: string) => boolean): string[] {
  return SETTINGS.filter((row) => row.secret && row.configKey !== undefined && isSet(row.configKey) && !isSecret(row.configKey)).map((row) => row.configKey!);
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

/**
 * The account a lookup uses: the one `given` (a call's argument, or a
 * provider's setting), else `CLOUDFLARE_ACCOUNT_ID` from `env`. Every face's
 * account fallback is this one.
 */
export function accountIdOr<T>(given: T | undefined, env: NodeJS.ProcessEnv = process.env): T | string | undefined {
  return given ?? nonEmpty(env[setting("accountId").env!]);
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
 * The whole-number settings `fields` that a face's config sets
 * (`turnKeyLookup:maxConcurrency`, `cloudflare-turn-lookup:timeoutMs`, ...),
 * read through `get`, which takes the face's key. A value that is not a
 * positive whole number is a {@link TurnKeyInputError} naming that key.
 */
export function wholeNumbersFromConfig<F extends SettingName>(
  get: (key: string) => string | undefined,
  names: SettingNames,
  fields: readonly F[],
): Partial<Record<F, number>> {
  const values: Partial<Record<F, number>> = {};
  for (const field of fields) {
    const key = names.keyOf(setting(field))!;
    const raw = get(key);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw.trim()) || Number(raw.trim()) < 1) {
      throw new TurnKeyInputError(field, `${key} must be a whole number; got ${JSON.stringify(raw)}.`);
    }
    values[field] = Number(raw.trim());
  }
  return values;
}

/** The request limits a face's config sets; see {@link wholeNumbersFromConfig}. */
export function limitsFromConfig(get: (key: string) => string | undefined, names: SettingNames = PROGRAM_NAMES): Partial<RequestLimits> {
  return wholeNumbersFromConfig(get, names, LIMIT_SETTINGS);
}
