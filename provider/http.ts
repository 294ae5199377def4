import type { Dispatcher } from "undici";

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
 * never followed (undici's `request` does not), so a credential never goes to
 * another origin. Rejects with undici's own errors on network failure and
 * with `signal.reason` when `signal` aborts, including mid-body.
 */
export async function httpGet(
  origin: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  dispatcher: Dispatcher = sharedDispatcher(),
): Promise<HttpResponse> {
  const res = await dispatcher.request({ origin, path, method: "GET", headers, signal });
  const declared = Number(res.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) {
    res.body.destroy();
    throw new BodyTooLargeError(res.statusCode, res.headers);
  }
  const body = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.body.destroy();
        reject(new BodyTooLargeError(res.statusCode, res.headers));
      } else chunks.push(chunk);
    });
    res.body.on("end", () => resolve(Buffer.concat(chunks, size).toString("utf8")));
    res.body.on("error", reject);
  });
  return { status: res.statusCode, headers: res.headers, body };
}
