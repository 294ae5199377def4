import type { Dispatcher } from "undici";
import type { Cancellation } from "./cancellation";

/** Largest response body read; a larger one is aborted mid-read, never buffered. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Longest silence allowed while waiting for headers, or between body chunks, in one attempt. */
export const ATTEMPT_IDLE_TIMEOUT_MS = 20_000;

/** One HTTP response, its body read in full (and capped). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Thrown when the body passes {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  /** @param status the response's status; @param headers its headers. */
  constructor(
    readonly status: number,
    readonly headers: HttpResponse["headers"],
  ) {
    super(`response body is larger than ${MAX_BODY_BYTES} bytes`);
  }
}

let dispatcher: Dispatcher | undefined;

/**
 * The process-wide keep-alive dispatcher, created on first use so that merely
 * importing this package (or serializing the dynamic provider) opens nothing.
 */
export function sharedDispatcher(): Dispatcher {
  if (!dispatcher) {
    // Required lazily: importing undici costs start-up time that a program
    // which never looks anything up should not pay.
    const { Agent } = require("undici") as typeof import("undici");
    dispatcher = new Agent({
      keepAliveTimeout: 10_000,
      connect: { timeout: 10_000 },
      headersTimeout: ATTEMPT_IDLE_TIMEOUT_MS,
      bodyTimeout: ATTEMPT_IDLE_TIMEOUT_MS,
    });
  }
  return dispatcher;
}

/**
 * Sends one GET and reads the body up to {@link MAX_BODY_BYTES}. Redirects are
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
  dispatcher: Dispatcher = sharedDispatcher(),
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
    const tooLarge = (c: Dispatcher.DispatchController) => c.abort(new BodyTooLargeError(status, responseHeaders));
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
          if (Number(h["content-length"]) > MAX_BODY_BYTES) tooLarge(c);
        },
        onResponseData(c, chunk) {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) tooLarge(c);
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
