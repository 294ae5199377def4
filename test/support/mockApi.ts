import * as http from "node:http";
import * as net from "node:net";
import { Agent } from "undici";
import { ACCOUNT_ID, KEY_ID } from "./ids";

/** A recorded request: what the client sent to the scripted server. */
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

/** An undici Agent whose `close()` closes the scripted server too. */
class ScriptedAgent extends Agent {
  constructor(
    private readonly server: http.Server,
    options: Agent.Options,
  ) {
    super(options);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    // undici's promise form calls close(callback): only that form closes the server.
    if (callback) return super.close(callback);
    return super.close().then(() => new Promise<void>((resolve) => this.server.close(() => resolve())));
  }
}

/**
 * A scripted API over a real socket: an HTTP server on loopback answers
 * every request with `replies`, in order (the last one repeats), recording
 * each one, and the returned undici `Agent` connects there whatever the
 * request's origin (through its public `connect` option), so that a test
 * can name any origin (https://api.cloudflare.com by default) without TLS
 * or DNS. The client's own handler meets undici's real protocol and a real
 * response; `agent.close()` closes the server too.
 */
export function mockApi(replies: Reply[]) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    seen.push({ path: req.url ?? "", method: req.method ?? "", headers });
    const r = replies[Math.min(seen.length - 1, replies.length - 1)]!;
    const data = typeof r.body === "string" ? r.body : r.body === undefined ? "" : JSON.stringify(r.body);
    const ct = typeof r.body === "string" || r.body === undefined ? {} : { "content-type": "application/json" };
    req.resume();
    res.writeHead(r.status, { "cf-ray": "8f2c1a7b9d3e4f10-SJC", ...ct, ...r.headers });
    res.end(data);
  });
  server.listen(0, "127.0.0.1");
  const listening = new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const agent = new ScriptedAgent(server, {
    connect: (_options, callback) => {
      void listening.then(() => {
        const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
        socket.once("connect", () => callback(null, socket));
        socket.once("error", (err) => callback(err, null));
      });
    },
  });
  return { agent: agent as Agent, seen };
}
