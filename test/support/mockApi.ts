import { MockAgent } from "undici";
import { ACCOUNT_ID, KEY_ID } from "./ids";

/** A recorded request: what the client sent through the MockAgent. */
export interface SeenRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
}

/** A scripted reply. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const BASE = "https://api.cloudflare.com";
export const KEY_PATH = `/client/v4/accounts/${ACCOUNT_ID}/calls/turn_keys/${KEY_ID}`;

/** The documented example result for KEY_ID. */
export const RESULT = {
  created: "2014-01-02T02:20:00Z",
  modified: "2014-01-02T02:20:00Z",
  name: "production-realtime-app",
  uid: KEY_ID,
};

export function envelope(result: unknown, extra: Record<string, unknown> = {}) {
  return { success: true, errors: [], messages: [], result, ...extra };
}

export function failure(code: number, message: string) {
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}

/**
 * A MockAgent that refuses real connections and answers requests to any path
 * of the API origin with `replies`, in order (the last one repeats), recording
 * each request.
 */
export function mockApi(replies: Reply[], origin = BASE) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: SeenRequest[] = [];
  agent
    .get(origin)
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
      seen.push({ path: opts.path, method: opts.method, headers });
      const r = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      const data = typeof r.body === "string" ? r.body : r.body === undefined ? "" : JSON.stringify(r.body);
      const ct = typeof r.body === "string" || r.body === undefined ? {} : { "content-type": "application/json" };
      return { statusCode: r.status, data, responseOptions: { headers: { "cf-ray": "8f2c1a7b9d3e4f10-SJC", ...ct, ...r.headers } } };
    })
    .persist();
  return { agent, seen };
}
