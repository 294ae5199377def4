import { createHash } from "node:crypto";
import { TurnKeyInputError } from "./errors";
import { userAgent } from "./userAgent";

/** Cloudflare's public API base. */
export const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
/** Default total deadline of one lookup, retries included. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default number of retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 3;

/** Where credentials and the base URL come from; the names users already have from `@pulumi/cloudflare`. */
export interface CredentialSource {
  /** API token (preferred): sent as `Authorization: Bearer`. */
  apiToken?: string | undefined;
  /** Legacy global API key; needs `email`. */
  apiKey?: string | undefined;
  /** Account email for the legacy global API key. */
  email?: string | undefined;
  /** API base URL override (must end at `/client/v4` or an equivalent prefix). */
  baseUrl?: string | undefined;
  /** Appended to the User-Agent, e.g. the operator's tool name. */
  userAgentOperatorSuffix?: string | undefined;
}

/** The credential a lookup sends. */
export type Credential =
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "key"; readonly key: string; readonly email: string };

/** Environment variable names, as the bridged Cloudflare provider and Wrangler read them. */
export const ENV = {
  apiToken: "CLOUDFLARE_API_TOKEN",
  apiKey: "CLOUDFLARE_API_KEY",
  email: "CLOUDFLARE_EMAIL",
  baseUrl: "CLOUDFLARE_BASE_URL",
  userAgentOperatorSuffix: "CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX",
  accountId: "CLOUDFLARE_ACCOUNT_ID",
} as const;

/** Reads a {@link CredentialSource} from environment variables (empty values count as unset). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  return {
    apiToken: nonEmpty(env[ENV.apiToken]),
    apiKey: nonEmpty(env[ENV.apiKey]),
    email: nonEmpty(env[ENV.email]),
    baseUrl: nonEmpty(env[ENV.baseUrl]),
    userAgentOperatorSuffix: nonEmpty(env[ENV.userAgentOperatorSuffix]),
  };
}

/**
 * Picks the credential from the first source that names one (explicit
 * options before stack config before the environment), so a credential given
 * on purpose is never mixed with a stray one from elsewhere. Within that
 * source, a token and a key together are refused, as the bridged provider does.
 */
export function resolveCredential(sources: readonly CredentialSource[]): Credential {
  const source = sources.find((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey));
  const token = nonEmpty(source?.apiToken);
  const key = nonEmpty(source?.apiKey);
  if (token && key) {
    throw new TurnKeyInputError(
      "apiToken",
      "Both an API token (cloudflare:apiToken / CLOUDFLARE_API_TOKEN) and a global API key " +
        "(cloudflare:apiKey / CLOUDFLARE_API_KEY) are set; set only one. The token is preferred.",
    );
  }
  if (token) return { kind: "token", token: checkHeaderValue("apiToken", token) };
  if (key) {
    const email = nonEmpty(source?.email) ?? nonEmpty(sources.find((s) => nonEmpty(s.email))?.email);
    if (!email) {
      throw new TurnKeyInputError(
        "email",
        "A global API key (cloudflare:apiKey / CLOUDFLARE_API_KEY) needs the account email " +
          "(cloudflare:email / CLOUDFLARE_EMAIL); set it, or use an API token instead.",
      );
    }
    return { kind: "key", key: checkHeaderValue("apiKey", key), email: checkHeaderValue("email", email) };
  }
  throw new TurnKeyInputError(
    "apiToken",
    "No Cloudflare credential found: set the stack secret cloudflare:apiToken " +
      "(pulumi config set --secret cloudflare:apiToken ...) or the environment variable CLOUDFLARE_API_TOKEN. " +
      'The token needs the "Calls Read" permission.',
  );
}

/** The first non-empty value among `candidates`. */
export function firstSet(...candidates: (string | undefined)[]): string | undefined {
  return candidates.map(nonEmpty).find((v) => v !== undefined);
}

/** The credential's secret strings, for redaction. */
export function secretsOf(credential: Credential): string[] {
  return credential.kind === "token" ? [credential.token] : [credential.key];
}

/** The HTTP headers that carry `credential`. */
export function authHeaders(credential: Credential): Record<string, string> {
  return credential.kind === "token"
    ? { authorization: `Bearer ${credential.token}` }
    : { "x-auth-key": credential.key, "x-auth-email": credential.email };
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

/** Checks a positive whole number option. */
export function positiveInteger(field: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new TurnKeyInputError(field, `${field} must be a whole number ${allowZero ? ">= 0" : "> 0"}; got ${String(value)}.`);
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

/** Where and how requests go: resolved once per distinct set of options. */
export interface Connection {
  /** The API's origin, e.g. `https://api.cloudflare.com`. */
  readonly origin: string;
  /** The API's path prefix, without a trailing slash, e.g. `/client/v4`. */
  readonly basePath: string;
  /** Credential, Accept and User-Agent headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The credential's secrets, to keep out of messages. */
  readonly secrets: readonly string[];
  /** Identifies origin and credential without containing the credential. */
  readonly id: string;
}

const MAX_CACHED_CONNECTIONS = 32;
const connections = new Map<string, Connection>();

/**
 * Resolves credential, base URL and headers from explicit options, then the
 * environment. Memoized, so that a hot loop of lookups does not parse URLs
 * and hash credentials on every call; a bad setting still throws every time.
 */
export function resolveConnection(options: CredentialSource, env: NodeJS.ProcessEnv): Connection {
  const fromEnv = credentialsFromEnv(env);
  const memoKey = JSON.stringify([options.apiToken, options.apiKey, options.email, options.baseUrl, options.userAgentOperatorSuffix, fromEnv]);
  const known = connections.get(memoKey);
  if (known) return known;
  const credential = resolveCredential([options, fromEnv]);
  const base = parseBaseUrl(firstSet(options.baseUrl, fromEnv.baseUrl));
  const connection: Connection = {
    origin: base.origin,
    basePath: base.pathname,
    headers: {
      ...authHeaders(credential),
      accept: "application/json",
      "user-agent": userAgent(firstSet(options.userAgentOperatorSuffix, fromEnv.userAgentOperatorSuffix)),
    },
    secrets: secretsOf(credential),
    id: createHash("sha256").update(JSON.stringify([base.origin, credential])).digest("hex"),
  };
  if (connections.size >= MAX_CACHED_CONNECTIONS) connections.clear();
  connections.set(memoKey, connection);
  return connection;
}
