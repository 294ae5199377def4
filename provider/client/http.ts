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
    dispatcher.dispatch({ origin, path, method: "GET", headers }, new GetHandler(cancel, maxBytes, resolve, reject));
  });
}

/** One GET's handler: a class, so that a request makes one object here rather than a closure per callback. */
class GetHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: HttpResponse["headers"] = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly stop: () => void;

  constructor(
    private readonly cancel: Cancellation,
    private readonly maxBytes: number,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    this.stop = cancel.onCancel((reason) => {
      this.controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
      reject(reason);
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancel.cancelled) controller.abort(this.cancel.reason instanceof Error ? this.cancel.reason : new Error("cancelled"));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: HttpResponse["headers"]): void {
    this.status = statusCode;
    this.headers = headers;
    if (Number(headers["content-length"]) > this.maxBytes) this.tooLarge(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) this.tooLarge(controller);
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.stop();
    const { chunks } = this;
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, body: body.toString("utf8") });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.stop();
    this.reject(err);
  }

  private tooLarge(controller: Dispatcher.DispatchController): void {
    controller.abort(new BodyTooLargeError(this.status, this.headers, this.maxBytes));
  }
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
