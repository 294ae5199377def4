/** The errors of a request without a usable response: a network, TLS or proxy failure, a body over its cap, a deadline, a signal. */
import { type CloudflareApiError, CloudflareConnectionError, CloudflareResponseError, CloudflareTimeoutError, TurnKeyLookupAbortedError } from "../core/errors";
import { BodyTooLargeError } from "./http";
import type { ProxyRoute } from "./proxy";
import { redactSecrets } from "./redact";
import { type RequestIdentity, about, header } from "./response";
import type { AttemptFailure } from "./retry";
import { isTlsFailure, networkErrorCode } from "./retry";
import { type SettingNames, settingLabel } from "../core/settings";

/** Certificate errors of an issuer Node.js does not trust: a private CA, or a TLS-inspecting proxy's. */
const UNKNOWN_ISSUER_CODES = new Set([
  ...["UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
  ...["SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT"],
]);

/** The status a proxy answered `CONNECT` with, when it did not open the tunnel (undici says it only in its error's text). */
function proxyStatus(err: unknown): number | undefined {
  const match = err instanceof Error ? /Proxy response \((\d{3})\)/.exec(err.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** How a thrown request failed, for the retry decision: a proxy's refusal counts as its HTTP status. */
export function failureOfThrown(err: unknown): AttemptFailure {
  if (err instanceof BodyTooLargeError) return { status: err.status, headers: {} };
  const status = proxyStatus(err);
  return status === undefined ? { networkCode: networkErrorCode(err) } : { status, headers: {} };
}

/** Turns what a request threw into one of our errors. */
export function errorOfThrown(err: unknown, who: RequestIdentity, proxy: ProxyRoute | undefined, attempt: number): CloudflareApiError {
  const base = { ...about(who), attempts: attempt };
  if (err instanceof BodyTooLargeError) {
    return new CloudflareResponseError({
      ...base,
      status: err.status,
      rayId: header(err, "cf-ray", who.secrets),
      summary: `Cloudflare's response to the ${who.what} is larger than ${err.limit} bytes; reading was stopped`,
    });
  }
  const origin = new URL(who.url).origin;
  const code = networkErrorCode(err);
  const status = proxy ? proxyStatus(err) : undefined;
  const via = proxy ? ` through the proxy ${proxy.address} (from ${proxy.variable})` : "";
  // Some proxies (tinyproxy among them) answer a refused password with 401 rather than 407.
  if (proxy && (status === 407 || status === 401)) {
    const refused = proxy.secrets.length > 0 ? `refused the credentials in ${proxy.variable}` : `asks for credentials, and ${proxy.variable} has none`;
    return new CloudflareConnectionError({
      ...base,
      summary: `Proxy authentication failed: the proxy ${proxy.address} (from ${proxy.variable}) ${refused}; it answered HTTP ${status} to the tunnel to ${origin}`,
      hint: `Check the user name and password in ${proxy.variable} (http://user:password@host:port)`,
    });
  }
  if (proxy && status !== undefined) {
    return new CloudflareConnectionError({
      ...base,
      summary: `The proxy ${proxy.address} (from ${proxy.variable}) did not open a tunnel to ${origin}: it answered HTTP ${status}`,
      hint: `Check that the proxy allows ${origin}, or list its host in NO_PROXY to go direct`,
    });
  }
  const detail = redactSecrets(code ?? (err instanceof Error ? err.message : String(err)), who.secrets);
  return new CloudflareConnectionError({
    ...base,
    summary: `Could not reach the Cloudflare API at ${origin}${via} (${detail})`,
    hint: hintFor(code, proxy, who.names),
  });
}

function hintFor(code: string | undefined, proxy: ProxyRoute | undefined, names: SettingNames): string {
  if (code !== undefined && UNKNOWN_ISSUER_CODES.has(code)) {
    return (
      "The server's certificate is issued by a certificate authority Node.js does not trust, as a private CA's or a TLS-inspecting proxy's is. " +
      "Set NODE_EXTRA_CA_CERTS to a PEM file with that CA's certificate"
    );
  }
  if (isTlsFailure(code)) return `The TLS handshake or certificate check failed; check ${settingLabel("baseUrl", names)} and any proxy in between`;
  if (proxy) return `Check that the proxy ${proxy.address} is running and reachable, fix ${proxy.variable}, or list the API's host in NO_PROXY to go direct`;
  return `Check the network and ${settingLabel("baseUrl", names)}`;
}

/** The error of a call whose deadline passed; `last` is the last failure seen, if any. */
export function timeoutError(timeoutMs: number, who: RequestIdentity, last: CloudflareApiError | undefined): CloudflareTimeoutError {
  return new CloudflareTimeoutError({
    ...about(who),
    ...(last && { status: last.status, errors: last.errors, rayId: last.rayId, attempts: last.attempts }),
    summary: `The ${who.what} did not finish within its ${timeoutMs} ms deadline${last ? ` (last failure: ${reasonOf(last)})` : ""}`,
    hint: timeoutAdvice(who.names),
  });
}

/** What to do about a deadline: raise it where the face can set it, and check the network. */
function timeoutAdvice(names: SettingNames): string {
  const deadline = settingLabel("timeoutMs", names);
  const network = `check the network and ${settingLabel("baseUrl", names)}`;
  return deadline === undefined ? `C${network.slice(1)}` : `Raise ${deadline}, or ${network}`;
}

/** The error of a call its caller's signal aborted. */
export function abortedError(who: RequestIdentity, signal: AbortSignal): TurnKeyLookupAbortedError {
  return new TurnKeyLookupAbortedError({
    ...about(who),
    // A reason given as words ("cancelled") says what happened; any other reason is the caller's own.
    summary: `The ${who.what} was ${typeof signal.reason === "string" ? signal.reason : "aborted by its signal"}`,
    cause: signal.reason,
  });
}

/** A short reason for logs: the status and Cloudflare's codes, or the connection error. */
export function reasonOf(err: CloudflareApiError): string {
  if (err.status === undefined) return err.summary;
  const codes = err.errors.map((e) => e.code).join(", ");
  return `HTTP ${err.status}${codes ? ` (Cloudflare error ${codes})` : ""}`;
}
