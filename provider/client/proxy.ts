/**
 * Which proxy, if any, the environment names for the API's origin, read as
 * undici's `EnvHttpProxyAgent` reads `https_proxy`/`HTTPS_PROXY` (falling
 * back to the http proxy), `http_proxy`/`HTTP_PROXY` and `no_proxy`/`NO_PROXY`
 * (hosts with an optional `:port`, `.` or `*.` for subdomains, `*` for all).
 * It is chosen here rather than inside undici so that a failure can name the
 * proxy and the variable it came from.
 */
import { TurnKeyInputError } from "../core/errors";

/** The environment variables a proxy is read from. */
export const PROXY_ENV = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"] as const;

/** A proxy that requests to one origin go through. */
export interface ProxyRoute {
  /** The proxy's URL, credentials included: for undici's `ProxyAgent` only, never for a message. */
  readonly uri: string;
  /** `host:port`, as messages name it. */
  readonly address: string;
  /** The environment variable it came from, e.g. `HTTPS_PROXY`. */
  readonly variable: string;
  /** Its user name and password, to keep out of every message. */
  readonly secrets: readonly string[];
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

/** The proxy for requests to `origin`, or `undefined` to go direct. */
export function proxyFor(origin: URL, env: NodeJS.ProcessEnv): ProxyRoute | undefined {
  const http = firstDefined(env, "http_proxy", "HTTP_PROXY");
  const https = firstDefined(env, "https_proxy", "HTTPS_PROXY");
  const chosen = origin.protocol === "https:" && https?.value ? https : http;
  if (!chosen?.value) return undefined;
  const host = origin.host.replace(/:\d*$/, "").toLowerCase();
  const port = Number.parseInt(origin.port, 10) || DEFAULT_PORTS[origin.protocol] || 0;
  if (bypassed(firstDefined(env, "no_proxy", "NO_PROXY")?.value ?? "", host, port)) return undefined;
  return route(chosen.name, chosen.value);
}

/** `true` if `noProxy` lists `host:port`. */
function bypassed(noProxy: string, host: string, port: number): boolean {
  if (noProxy === "*") return true;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const entryHost = (parsed ? parsed[1] : entry).replace(/^\*?\./, "").toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2], 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

function route(variable: string, value: string): ProxyRoute {
  // The value may hold a password: every message says what is wrong without quoting it.
  const port = /^[a-z][a-z\d+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/i.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new TurnKeyInputError("proxy", `${variable} names the port ${port}, which is out of range: a port is 1 to 65535; fix or unset it.`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TurnKeyInputError("proxy", `${variable} is not an absolute URL such as http://proxy.example.com:3128; fix or unset it.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // The scheme alone: a value like user:password@host reads as the scheme "user:".
    throw new TurnKeyInputError(
      "proxy",
      `${variable} must be an http:// or https:// proxy URL such as http://proxy.example.com:3128; its scheme is ${JSON.stringify(url.protocol)}.`,
    );
  }
  const secrets = [url.password, decoded(variable, "password", url.password), url.username, decoded(variable, "user name", url.username)].filter(
    (s) => s.length > 0,
  );
  return { uri: url.href, address: `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`, variable, secrets: [...new Set(secrets)] };
}

/** The user name or password of a proxy URL, %-escapes decoded, or an error that names the part without quoting it. */
function decoded(variable: string, part: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new TurnKeyInputError(
      "proxy",
      `${variable} has a malformed %-escape in its ${part}: a "%" there must start an escape such as %40 for "@" or %25 for "%" itself; fix or unset it.`,
    );
  }
}

/** The first of `names` that is defined in `env` (an empty value counts, as with undici's `??`). */
function firstDefined(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; value: string } | undefined {
  const name = names.find((n) => env[n] !== undefined);
  return name === undefined ? undefined : { name, value: env[name]! };
}
