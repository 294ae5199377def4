/**
 * The settings a lookup reads, in one table: each row names the option, the
 * stack-config key, the environment variable and whether the value is a
 * secret. Option parsing, the provider's `configure`, the environment
 * fallback, the clear-text warning and every error text are driven by it.
 */
import { createHash } from "node:crypto";
import { TurnKeyInputError } from "./errors";
import { editDistance } from "./names";
import { type ProxyRoute, proxyFor } from "./proxy";
import { userAgent } from "./userAgent";

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
const DEFAULT_BASE_URL = setting("baseUrl").default as string;

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

/**
 * Reads the names of the stack's config keys for typos of ours: a key that
 * differs from a known key only in case or by one edit, while the known key
 * is not set, is a near miss; any other `turnKeyLookup:` key is unknown.
 * Keys of other namespaces are other packages' business.
 */
export function configKeyHints(keys: Iterable<string>): ConfigKeyHints {
  const set = new Set(keys);
  const known = SETTINGS.flatMap((row) => (row.configKey === undefined ? [] : [row.configKey as string]));
  const nearMisses: { key: string; meant: string }[] = [];
  const unknown: string[] = [];
  for (const key of set) {
    if (known.includes(key)) continue;
    const meant = known.find((k) => !set.has(k) && (k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 1));
    if (meant !== undefined) nearMisses.push({ key, meant });
    else if (key.startsWith("turnKeyLookup:")) unknown.push(key);
  }
  return { nearMisses, unknown };
}

/** The settings that make up a credential: a near miss of one may be why none is found. */
const CREDENTIAL_SETTINGS = ["apiToken", "apiKey", "email"] as const;

/** Whether the near miss `meant` a credential setting's key. */
export function isCredentialKey(configKey: string): boolean {
  return CREDENTIAL_SETTINGS.some((o) => setting(o).configKey === configKey);
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
export function withConfigHints(err: unknown, hints: ConfigKeyHints): unknown {
  if (!TurnKeyInputError.isInstance(err) || hints.nearMisses.length === 0) return err;
  // A missing token may be a mistyped token, key or email.
  const fields: readonly string[] = err.field === "apiToken" ? CREDENTIAL_SETTINGS : [err.field];
  const related = hints.nearMisses.filter((m) => fields.some((f) => SETTINGS.some((row: SettingRow) => row.option === f && row.configKey === m.meant)));
  if (related.length === 0) return err;
  return new TurnKeyInputError(err.field, `${err.message} ${related.map(nearMissSentence).join(" ")}`);
}

/** The account id from `CLOUDFLARE_ACCOUNT_ID`, if set. */
export function accountIdFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return nonEmpty(env[setting("accountId").env!]);
}

/** The credential a lookup sends. */
type Credential = { readonly kind: "token"; readonly token: string } | { readonly kind: "key"; readonly key: string; readonly email: string };

/**
 * Picks the credential from the first source that names one (explicit
 * options before stack config before the environment), so a credential given
 * on purpose is never mixed with a stray one from elsewhere. Within that
 * source, a token and a key together are refused, as the bridged provider does.
 */
function resolveCredential(sources: readonly ConnectionSettings[]): Credential {
  const source = sources.find((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey));
  const token = nonEmpty(source?.apiToken);
  const key = nonEmpty(source?.apiKey);
  if (token && key) {
    throw new TurnKeyInputError(
      "apiToken",
      `Both an API token (${settingLabel("apiToken")}) and a global API key (${settingLabel("apiKey")}) are set; set only one. The token is preferred.`,
    );
  }
  if (token) return { kind: "token", token: checkHeaderValue("apiToken", token) };
  if (key) {
    const email = nonEmpty(source?.email) ?? nonEmpty(sources.find((s) => nonEmpty(s.email))?.email);
    if (!email) {
      throw new TurnKeyInputError(
        "email",
        `A global API key (${settingLabel("apiKey")}) needs the account email (${settingLabel("email")}); set it, or use an API token instead.`,
      );
    }
    return { kind: "key", key: checkHeaderValue("apiKey", key), email: checkHeaderValue("email", email) };
  }
  const { configKey, env } = setting("apiToken");
  throw new TurnKeyInputError(
    "apiToken",
    `No Cloudflare credential found: set the stack secret ${configKey} (pulumi config set --secret ${configKey} <token>) or the environment variable ${env}. ` +
      'The token needs the "Calls Read" permission.',
  );
}

/** The first non-empty value among `candidates`. */
function firstSet(...candidates: (string | undefined)[]): string | undefined {
  return candidates.map(nonEmpty).find((v) => v !== undefined);
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/**
 * Parses and checks an API base URL. It must be `https://`, unless its host is
 * loopback (the local emulator), so a credential never crosses a network in
 * clear; it may not carry user info, a query or a fragment.
 */
export function parseBaseUrl(raw: string | undefined): URL {
  const text = raw ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TurnKeyInputError("baseUrl", `baseUrl ${JSON.stringify(text)} is not an absolute URL.`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new TurnKeyInputError(
      "baseUrl",
      `baseUrl must use https:// (plain http:// is allowed only for a loopback host such as 127.0.0.1); got ${url.protocol}//${url.host}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TurnKeyInputError("baseUrl", "baseUrl must not contain user info, a query or a fragment.");
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

/** Checks a whole-number option: `undefined` gives `fallback`; anything else must be an integer >= `min`. */
export function wholeNumber(field: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TurnKeyInputError(field, `${field} must be a whole number >= ${min}; got ${String(value)}.`);
  }
  return value;
}

function checkHeaderValue(field: string, value: string): string {
  // A newline or other control character would be refused by undici with an
  // error that quotes the header; refuse it first, without echoing the value.
  if (/[\x00-\x1f\x7f]/.test(value) || [...value].some((ch) => ch.codePointAt(0)! > 0xff)) {
    throw new TurnKeyInputError(field, `${field} contains control or non-Latin-1 characters; check for a stray newline.`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Checks the settings {@link resolveConnection} reads, without building a
 * connection: a conflicting or malformed credential, the base URL, the
 * proxy. A missing credential counts only when `requireCredential`: a
 * lookup that waits on unknown values may never send anything.
 */
export function checkConnection(sources: readonly ConnectionSettings[], env: NodeJS.ProcessEnv, requireCredential: boolean): void {
  if (requireCredential || sources.some((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey))) resolveCredential(sources);
  proxyFor(parseBaseUrl(firstSet(...sources.map((s) => s.baseUrl))), env);
}

/** Where and how requests go. */
export interface Connection {
  /** The API's origin, e.g. `https://api.cloudflare.com`. */
  readonly origin: string;
  /** The API's path prefix, without a trailing slash, e.g. `/client/v4`. */
  readonly basePath: string;
  /** Credential, Accept and User-Agent headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The credential's secrets (and the proxy's), to keep out of messages. */
  readonly secrets: readonly string[];
  /** The proxy that the environment names for the origin, or `undefined` to go direct. */
  readonly proxy: ProxyRoute | undefined;
  /** Identifies origin and credential without containing the credential. */
  readonly id: string;
}

/** Resolves credential, base URL and headers from `sources`, first source first, and the proxy from `env`. */
export function resolveConnection(sources: readonly ConnectionSettings[], env: NodeJS.ProcessEnv): Connection {
  const credential = resolveCredential(sources);
  const base = parseBaseUrl(firstSet(...sources.map((s) => s.baseUrl)));
  const proxy = proxyFor(base, env);
  return {
    origin: base.origin,
    // A URL's path is never empty ("/" at least): the API's prefix then is "".
    basePath: base.pathname.replace(/\/+$/, ""),
    headers: {
      ...(credential.kind === "token" ? { authorization: `Bearer ${credential.token}` } : { "x-auth-key": credential.key, "x-auth-email": credential.email }),
      accept: "application/json",
      "user-agent": userAgent(firstSet(...sources.map((s) => s.userAgentOperatorSuffix))),
    },
    secrets: [credential.kind === "token" ? credential.token : credential.key, ...(proxy?.secrets ?? [])],
    proxy,
    id: createHash("sha256")
      .update(JSON.stringify([base.origin, base.pathname, credential]))
      .digest("hex"),
  };
}
