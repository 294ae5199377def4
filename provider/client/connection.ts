/**
 * Where requests go and with which credential: the connection a call's
 * settings resolve to (credential, base URL, headers, proxy), and the checks
 * of those settings.
 */
import { createHash } from "node:crypto";
import { TurnKeyInputError } from "../core/errors";
import { CLIENT_NAMES, type ConnectionSettings, DEFAULT_BASE_URL, type SettingNames, credentialAdvice, nonEmpty, settingLabel } from "../core/settings";
import { type ProxyRoute, proxyFor } from "./proxy";
import { userAgent } from "./userAgent";

/** The credential a lookup sends. */
type Credential = { readonly kind: "token"; readonly token: string } | { readonly kind: "key"; readonly key: string; readonly email: string };

/**
 * Picks the credential from the first source that names one (explicit
 * options before stack config before the environment), so a credential given
 * on purpose is never mixed with a stray one from elsewhere. Within that
 * source, a token and a key together are refused, as the bridged provider does.
 */
function resolveCredential(sources: readonly ConnectionSettings[], names: SettingNames): Credential {
  const source = sources.find((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey));
  const token = nonEmpty(source?.apiToken);
  const key = nonEmpty(source?.apiKey);
  if (token && key) {
    throw new TurnKeyInputError(
      "apiToken",
      `Both an API token (${settingLabel("apiToken", names)}) and a global API key (${settingLabel("apiKey", names)}) are set; set only one. The token is preferred.`,
    );
  }
  if (token) return { kind: "token", token: checkHeaderValue("apiToken", token) };
  if (key) {
    const email = nonEmpty(source?.email) ?? nonEmpty(sources.find((s) => nonEmpty(s.email))?.email);
    if (!email) {
      throw new TurnKeyInputError(
        "email",
        `A global API key (${settingLabel("apiKey", names)}) needs the account email (${settingLabel("email", names)}); set it, or use an API token instead.`,
      );
    }
    return { kind: "key", key: checkHeaderValue("apiKey", key), email: checkHeaderValue("email", email) };
  }
  throw new TurnKeyInputError("apiToken", `No Cloudflare credential found: ${credentialAdvice(names)}. The token needs the "Calls Read" permission.`);
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
export function parseBaseUrl(raw: string | undefined, names: SettingNames = CLIENT_NAMES): URL {
  const text = raw ?? DEFAULT_BASE_URL;
  const label = settingLabel("baseUrl", names)!;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TurnKeyInputError("baseUrl", `The base URL (${label}) ${JSON.stringify(text)} is not an absolute URL.`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new TurnKeyInputError(
      "baseUrl",
      `The base URL (${label}) must use https:// (plain http:// is allowed only for a loopback host such as 127.0.0.1); got ${url.protocol}//${url.host}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TurnKeyInputError("baseUrl", `The base URL (${label}) must not contain user info, a query or a fragment.`);
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

function checkHeaderValue(field: string, value: string): string {
  // A newline or other control character would be refused by undici with an
  // error that quotes the header; refuse it first, without echoing the value.
  if (/[\x00-\x1f\x7f]/.test(value) || [...value].some((ch) => ch.codePointAt(0)! > 0xff)) {
    throw new TurnKeyInputError(field, `${field} contains control or non-Latin-1 characters; check for a stray newline.`);
  }
  return value;
}

/**
 * Checks the settings {@link resolveConnection} reads, without building a
 * connection: a conflicting or malformed credential, the base URL, the
 * proxy. A missing credential counts only when `requireCredential`: a
 * lookup that waits on unknown values may never send anything.
 */
export function checkConnection(sources: readonly ConnectionSettings[], env: NodeJS.ProcessEnv, requireCredential: boolean, names: SettingNames): void {
  if (requireCredential || sources.some((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey))) resolveCredential(sources, names);
  proxyFor(parseBaseUrl(firstSet(...sources.map((s) => s.baseUrl)), names), env);
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
  /** How messages about this connection name its settings: the face's names. */
  readonly names: SettingNames;
}

/** Resolves credential, base URL and headers from `sources`, first source first, and the proxy from `env`; messages use `names`. */
export function resolveConnection(sources: readonly ConnectionSettings[], env: NodeJS.ProcessEnv, names: SettingNames): Connection {
  const credential = resolveCredential(sources, names);
  const base = parseBaseUrl(firstSet(...sources.map((s) => s.baseUrl)), names);
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
    names,
  };
}
