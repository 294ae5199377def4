import type { Dispatcher } from "undici";
import type { Cancellation } from "./cancellation";
import type { ProxyRoute } from "./proxy";

/** Largest body of a single key's response; a larger one is aborted mid-read, never buffered. A key is about 150 bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Largest body of one page of an account's key list. A listed key is about
 * 150 bytes of JSON, so 10,000 keys (far more than any account we know of,
 * and what the emulator is tested with) come to about 1.5 MB; 8 MiB leaves
 * five times that while still bounding what a broken server can make us buffer.
 */
export const MAX_LIST_BODY_BYTES = 8 * 1024 * 1024;
/** Longest silence allowed while waiting for headers, or between body chunks, in one attempt. */
const ATTEMPT_IDLE_TIMEOUT_MS = 20_000;

/** One HTTP response, its body read in full (and capped). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Thrown (as the abort reason) when the body passes its cap. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  /** @param status the response's status; @param headers its headers; @param limit the cap in bytes. */
  constructor(
    readonly status: number,
    readonly headers: HttpResponse["headers"],
    readonly limit: number,
  ) {
    super(`response body is larger than ${limit} bytes`);
  }
}

const AGENT_OPTIONS = {
  keepAliveTimeout: 10_000,
  connect: { timeout: 10_000 },
  headersTimeout: ATTEMPT_IDLE_TIMEOUT_MS,
  bodyTimeout: ATTEMPT_IDLE_TIMEOUT_MS,
} as const;

/**
 * A keep-alive dispatcher for one client: direct, or through `proxy` with
 * undici's own `ProxyAgent`, which tunnels every request with `CONNECT`
 * (TLS stays end to end) and sends the proxy URL's credentials as
 * `Proxy-Authorization`. undici's whole API is loaded only when a proxy is set.
 */
export function createDispatcher(proxy?: ProxyRoute): Dispatcher {
  if (!proxy) return new (agentClass())(AGENT_OPTIONS);
  // The proxy agent needs undici's whole API (its tunnel uses Client#connect).
  const { ProxyAgent } = require("undici") as typeof import("undici");
  return new ProxyAgent({ ...AGENT_OPTIONS, uri: proxy.uri });
}

/**
 * Sends one GET and reads the body up to `maxBytes`. Redirects are
 * never followed (undici's dispatch does not), so a credential never goes to
 * another origin. Rejects with undici's own errors on network failure, and
 * with the cancellation's reason as soon as `cancel` fires, including
 * mid-body. Uses undici's handler API directly: no stream per response.
 */
export function httpGet(
  origin: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  cancel: Cancellation,
  dispatcher: Dispatcher,
  maxBytes: number,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let responseHeaders: HttpResponse["headers"] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = cancel.onCancel((reason) => {
      controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
      reject(reason);
    });
    const tooLarge = (c: Dispatcher.DispatchController) => c.abort(new BodyTooLargeError(status, responseHeaders, maxBytes));
    dispatcher.dispatch(
      { origin, path, method: "GET", headers },
      {
        onRequestStart(c) {
          controller = c;
          if (cancel.cancelled) c.abort(cancel.reason instanceof Error ? cancel.reason : new Error("cancelled"));
        },
        onResponseStart(c, statusCode, h) {
          status = statusCode;
          responseHeaders = h;
          if (Number(h["content-length"]) > maxBytes) tooLarge(c);
        },
        onResponseData(c, chunk) {
          size += chunk.length;
          if (size > maxBytes) tooLarge(c);
          else chunks.push(chunk);
        },
        onResponseEnd() {
          stop();
          resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks, size).toString("utf8") });
        },
        onResponseError(_c, err) {
          stop();
          reject(err);
        },
      },
    );
  });
}

/**
 * undici's Agent, required when first needed: a program that never looks
 * anything up should not pay for it. undici's index loads fetch, WebSocket,
 * caches and more; its Agent alone is what a lookup needs, and what the
 * provider process loads before its first read. undici declares no
 * "exports" map, so the file is reachable; should a release move it, the index serves.
 */
function agentClass(): typeof import("undici").Agent {
  try {
    return require("undici/lib/dispatcher/agent") as typeof import("undici").Agent;
  } catch {
    return (require("undici") as typeof import("undici")).Agent;
  }
}
