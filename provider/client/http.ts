import type { Dispatcher } from "undici";
import type { ProxyRoute } from "./proxy";

/** Largest body of one key's answer (about 150 bytes): a larger one is aborted mid-read, never buffered. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Largest body of one page of a list: 10,000 keys (the emulator's test) are about 1.5 MB. */
export const MAX_LIST_BODY_BYTES = 8 * 1024 * 1024;
/** Longest silence while waiting for headers, or between body chunks, in one attempt. */
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
  constructor(
    readonly status: number,
    readonly headers: HttpResponse["headers"],
    readonly limit: number,
  ) {
    super(`response body is larger than ${limit} bytes`);
  }
}

const AGENT_OPTIONS = { keepAliveTimeout: 10_000, connect: { timeout: 10_000 }, headersTimeout: ATTEMPT_IDLE_TIMEOUT_MS, bodyTimeout: ATTEMPT_IDLE_TIMEOUT_MS };

/**
 * A keep-alive dispatcher for one client: direct, or through `proxy` with
 * undici's `ProxyAgent`, which tunnels with `CONNECT` (TLS stays end to end).
 */
export function createDispatcher(proxy?: ProxyRoute): Dispatcher {
  if (!proxy) return new (agentClass())(AGENT_OPTIONS);
  const { ProxyAgent } = require("undici") as typeof import("undici");
  return new ProxyAgent({ ...AGENT_OPTIONS, uri: proxy.uri });
}

/**
 * Sends one GET and reads the body up to `maxBytes`; never follows a
 * redirect, so a credential stays with its origin. Rejects with undici's
 * errors, or with the signal's reason as soon as it aborts, mid-body included.
 */
export function httpGet(
  request: { origin: string; path: string; headers: Readonly<Record<string, string>> },
  signal: AbortSignal,
  dispatcher: Dispatcher,
  maxBytes: number,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let responseHeaders: HttpResponse["headers"] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const abort = () => {
      controller?.abort(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      reject(signal.reason as Error);
    };
    const tooLarge = (c: Dispatcher.DispatchController) => c.abort(new BodyTooLargeError(status, responseHeaders, maxBytes));
    if (signal.aborted) return reject(signal.reason as Error);
    signal.addEventListener("abort", abort, { once: true });
    const done = () => signal.removeEventListener("abort", abort);
    // undici's handler API rather than `request`: only its Agent is loaded (see agentClass), which has no `request`.
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, headers: request.headers, method: "GET" },
      {
        onRequestStart: (c) => void (controller = c),
        onResponseStart: (c, statusCode, h) => {
          status = statusCode;
          responseHeaders = h;
          if (Number(h["content-length"]) > maxBytes) tooLarge(c);
        },
        onResponseData: (c, chunk) => {
          size += chunk.length;
          if (size > maxBytes) tooLarge(c);
          else chunks.push(chunk);
        },
        onResponseEnd: () => {
          done();
          resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks, size).toString("utf8") });
        },
        onResponseError: (_c, err) => {
          done();
          reject(err);
        },
      },
    );
  });
}

/**
 * undici's Agent alone: its index (fetch, WebSocket, caches) costs a program
 * several times a lookup's CPU. undici has no "exports" map; should a release move the file, the index serves.
 */
function agentClass(): typeof import("undici").Agent {
  try {
    return require("undici/lib/dispatcher/agent") as typeof import("undici").Agent;
  } catch {
    return (require("undici") as typeof import("undici")).Agent;
  }
}
