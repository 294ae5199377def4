/** Where requests go and with which credential: the connection a call's settings resolve to, and their checks. */
import { createHash } from "node:crypto";
import { TurnKeyInputError } from "../core/errors";
import { CLIENT_NAMES, type ConnectionSettings, DEFAULT_BASE_URL, type SettingNames, credentialAdvice, nonEmpty, settingLabel } from "../core/settings";
import { type ProxyRoute, proxyFor } from "./proxy";
import { userAgent } from "./userAgent";

/**
 * The credential's headers, from the first source that names one (options,
 * then stack config, then environment): one given on purpose is never mixed
 * with a stray one. A token and a key together are refused, as the bridged
 * provider does.
 */
function resolveCredential(sources: readonly ConnectionSettings[], names: SettingNames): { headers: Record<string, string>; secret: string } {
  const source = sources.find((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey));
  const token = nonEmpty(source?.apiToken);
  const key = nonEmpty(source?.apiKey);
  if (token && key) {
    throw new TurnKeyInputError(
      "apiToken",
      `Both an API token (${settingLabel("apiToken", names)}) and a global API key (${settingLabel("apiKey", names)}) are set; set only one. The token is preferred.`,
    );
  }
  if (token) return { headers: { authorization: `Bearer ${checkHeaderValue("apiToken", token)}` }, secret: token };
  if (!key) throw new TurnKeyInputError("apiToken", `No Cloudflare credential found: ${credentialAdvice(names)}. The token needs the "Calls Read" permission.`);
  const email = nonEmpty(source?.email) ?? firstSet(sources, "email");
  if (!email) {
    throw new TurnKeyInputError(
      "email",
      `A global API key (${settingLabel("apiKey", names)}) needs the account email (${settingLabel("email", names)}); set it, or use an API token instead.`,
    );
  }
  return { headers: { "x-auth-key": checkHeaderValue("apiKey", key), "x-auth-email": checkHeaderValue("email", email) }, secret: key };
}

/** The first non-empty value of `setting` among `sources`. */
function firstSet(sources: readonly ConnectionSettings[], setting: keyof ConnectionSettings): string | undefined {
  return sources.map((s) => nonEmpty(s[setting])).find((v) => v !== undefined);
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/** Checks an API base URL: `https://` unless its host is loopback (the emulator), so a credential never crosses a network in clear. */
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
  // undici's own refusal would quote the header: refuse it first, without echoing the value.
  if (/[\x00-\x1f\x7f]/.test(value) || [...value].some((ch) => ch.codePointAt(0)! > 0xff)) {
    throw new TurnKeyInputError(field, `${field} contains control or non-Latin-1 characters; check for a stray newline.`);
  }
  return value;
}

/**
 * Checks what {@link resolveConnection} reads, without building a connection.
 * A missing credential counts only when `requireCredential`: a lookup that
 * waits on unknown values may never send anything.
 */
export function checkConnection(sources: readonly ConnectionSettings[], env: NodeJS.ProcessEnv, requireCredential: boolean, names: SettingNames): void {
  if (requireCredential || sources.some((s) => nonEmpty(s.apiToken) || nonEmpty(s.apiKey))) resolveCredential(sources, names);
  proxyFor(parseBaseUrl(firstSet(sources, "baseUrl"), names), env);
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
  const base = parseBaseUrl(firstSet(sources, "baseUrl"), names);
  const proxy = proxyFor(base, env);
  return {
    origin: base.origin,
    // A URL's path is never empty ("/" at least): the API's prefix then is "".
    basePath: base.pathname.replace(/\/+$/, ""),
    headers: { ...credential.headers, accept: "application/json", "user-agent": userAgent(firstSet(sources, "userAgentOperatorSuffix")) },
    secrets: [credential.secret, ...(proxy?.secrets ?? [])],
    proxy,
    id: createHash("sha256")
      .update(JSON.stringify([base.origin, base.pathname, credential.headers]))
      .digest("hex"),
    names,
  };
}
