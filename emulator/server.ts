import * as fs from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type FaultScript, FaultPlan, type FaultStep, playStep } from "./faults";
import { ID_PATTERN } from "../provider/core/ids";
import { type SeedTurnKey, type StoredTurnKey, TurnKeyStore, randomHex } from "./store";

/** The API prefix the emulator serves, as Cloudflare does. */
export const API_PREFIX = "/client/v4";
const CREDENTIAL_HEADERS = new Set(["authorization", "x-auth-key", "x-auth-email"]);
const MAX_REQUEST_BODY = 64 * 1024;

/** The seed file's format: keys to create at start, and fault scripts to arm. */
export interface EmulatorSeed {
  /** Keys to create at start. */
  keys?: SeedTurnKey[];
  /** Fault scripts to arm at start. */
  faults?: FaultScript[];
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The only bearer token accepted. Default: any non-empty token (and any legacy key with an email). */
  token?: string;
  /** Keys and faults to start with, or the path of a JSON file holding them. */
  seed?: EmulatorSeed | string;
  /** Latency added to every API request, in ms. */
  latencyMs?: number;
  /** Fixed-window rate limit: at most `requests` API requests per `windowMs`; more get 429 with `Retry-After`. */
  rateLimit?: { requests: number; windowMs: number };
}

/** One request the emulator saw. Credential headers are replaced by `[redacted]`. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  at: string;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL of the API, ending in `/client/v4`; give it to `baseUrl`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The keys; tests may change them directly. */
  readonly store: TurnKeyStore;
  /** Every API request seen so far, oldest first (admin requests are not recorded). */
  readonly requests: readonly RecordedRequest[];
  /** Arms fault scripts. */
  addFaults(scripts: readonly FaultScript[]): void;
  /** Removes every fault script and forgets recorded requests. */
  reset(): void;
  /** Sets or clears the latency and rate limit. */
  setConditions(conditions: Pick<EmulatorOptions, "latencyMs" | "rateLimit">): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a local Cloudflare Calls TURN-key API. It serves the five
 * `/client/v4/accounts/:account_id/calls/turn_keys` endpoints with
 * Cloudflare's envelope, statuses, error codes and a `cf-ray` header, plus an
 * admin API under `/__admin` (requests log, faults, conditions).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const store = new TurnKeyStore();
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  let conditions: Pick<EmulatorOptions, "latencyMs" | "rateLimit"> = { latencyMs: options.latencyMs, rateLimit: options.rateLimit };
  let window = { start: Date.now(), count: 0 };

  const seed = typeof options.seed === "string" ? (JSON.parse(fs.readFileSync(options.seed, "utf8")) as EmulatorSeed) : options.seed;
  for (const k of seed?.keys ?? []) store.put(k);
  faults.add(seed?.faults ?? []);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    const rayId = `${randomHex(8)}-EMU`;
    if (url.pathname.startsWith("/__admin/")) return admin(method, url.pathname, req, res);

    const record: RecordedRequest = { method, path: url.pathname + url.search, headers: safeHeaders(req), status: 0, at: new Date().toISOString() };
    requests.push(record);
    res.on("finish", () => (record.status = res.statusCode));
    res.on("close", () => (record.status ||= -1));

    const step: FaultStep | undefined = faults.take(method, url.pathname, API_PREFIX);
    const delay = (step?.delayMs ?? 0) + (conditions.latencyMs ?? 0);
    if (delay > 0) await sleep(delay);
    if (step && !step.passthrough) return playStep(step, res, rayId);

    const limit = conditions.rateLimit;
    if (limit) {
      const now = Date.now();
      if (now - window.start >= limit.windowMs) window = { start: now, count: 0 };
      if (++window.count > limit.requests) {
        const retryAfter = Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000));
        return send(res, rayId, 429, failure(971, "Please wait and consider throttling your request speed"), { "retry-after": String(retryAfter) });
      }
    }
    const body = await readBody(req);
    const [status, payload] = api(method, url.pathname, req, body);
    send(res, rayId, status, payload);
  };

  const api = (method: string, path: string, req: IncomingMessage, rawBody: string): [number, unknown] => {
    const m = /^\/client\/v4\/accounts\/([^/]+)\/calls\/turn_keys(?:\/([^/]+))?\/?$/.exec(path);
    if (!m) return [404, failure(7000, "No route for that URI")];
    const [, accountId, keyId] = m as unknown as [string, string, string | undefined];
    if (!ID_PATTERN.test(accountId) || (keyId !== undefined && !ID_PATTERN.test(keyId))) {
      return [400, failure(7003, `Could not route to ${path}, perhaps your object identifier is invalid?`)];
    }
    const auth = authenticate(req, options.token);
    if (auth) return auth;
    let body: { name?: unknown } = {};
    if (method === "POST" || method === "PUT") {
      try {
        body = rawBody ? (JSON.parse(rawBody) as { name?: unknown }) : {};
      } catch {
        return [400, failure(6007, "Malformed JSON in request body")];
      }
      if (body.name !== undefined && typeof body.name !== "string") return [400, failure(1001, "name must be a string")];
    }
    const name = body.name as string | undefined;
    if (keyId === undefined) {
      if (method === "GET") return [200, success(store.list(accountId).map(view))];
      if (method === "POST") {
        const created = store.put({ accountId, name: name ?? "" });
        return [201, success({ ...view(created), key: created.key })];
      }
      return [405, failure(10405, `Method ${method} not allowed`)];
    }
    const notFound: [number, unknown] = [404, failure(10404, "TURN key not found")];
    switch (method) {
      case "GET": {
        const k = store.get(accountId, keyId);
        return k ? [200, success(view(k))] : notFound;
      }
      case "PUT": {
        const k = store.rename(accountId, keyId, name);
        return k ? [200, success(view(k))] : notFound;
      }
      case "DELETE": {
        const k = store.delete(accountId, keyId);
        return k ? [200, success(view(k))] : notFound;
      }
      default:
        return [405, failure(10405, `Method ${method} not allowed`)];
    }
  };

  const admin = async (method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown) => {
      // Admin calls are rare and come between bursts of API traffic: closing
      // the connection spares the caller a stale keep-alive socket.
      res.writeHead(status, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify(body));
    };
    try {
      const body = method === "POST" ? (JSON.parse((await readBody(req)) || "null") as unknown) : undefined;
      if (path === "/__admin/requests" && method === "GET") return reply(200, requests);
      if (path === "/__admin/requests" && method === "DELETE") return reply(200, { cleared: requests.splice(0).length });
      if (path === "/__admin/faults" && method === "POST") {
        faults.add(Array.isArray(body) ? (body as FaultScript[]) : [body as FaultScript]);
        return reply(200, { ok: true });
      }
      if (path === "/__admin/faults" && method === "DELETE") return (faults.clear(), reply(200, { ok: true }));
      if (path === "/__admin/keys" && method === "POST") return reply(201, store.put(body as SeedTurnKey));
      if (path === "/__admin/conditions" && method === "POST") {
        conditions = body as typeof conditions;
        window = { start: Date.now(), count: 0 };
        return reply(200, conditions);
      }
      return reply(404, { error: `no admin route ${method} ${path}` });
    } catch (err) {
      return reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, "error-EMU", 500, failure(10001, `emulator error: ${String(err)}`));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${API_PREFIX}`,
    port: address.port,
    store,
    requests,
    addFaults: (scripts) => faults.add(scripts),
    reset: () => {
      faults.clear();
      requests.splice(0);
    },
    setConditions: (c) => {
      conditions = c;
      window = { start: Date.now(), count: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function view(k: StoredTurnKey): Omit<StoredTurnKey, "key"> {
  return { uid: k.uid, name: k.name, created: k.created, modified: k.modified };
}

function success(result: unknown) {
  return { success: true, errors: [], messages: [], result };
}

function failure(code: number, message: string) {
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}

function authenticate(req: IncomingMessage, token: string | undefined): [number, unknown] | undefined {
  const authorization = req.headers.authorization;
  const key = req.headers["x-auth-key"];
  const email = req.headers["x-auth-email"];
  if (authorization !== undefined) {
    const m = /^Bearer (\S+)$/.exec(authorization);
    if (!m) return [400, failure(6111, "Invalid format for Authorization header")];
    if (token !== undefined && m[1] !== token) return [401, failure(10000, "Authentication error")];
    return undefined;
  }
  if (key !== undefined || email !== undefined) {
    if (!key || !email) return [400, failure(6003, "Invalid request headers")];
    if (token !== undefined) return [403, failure(10000, "Authentication error")];
    return undefined;
  }
  return [400, failure(6003, "Invalid request headers: missing Authorization or X-Auth-Key/X-Auth-Email")];
}

function send(res: ServerResponse, rayId: string, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "cf-ray": rayId, ...headers });
  res.end(body);
}

function safeHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = CREDENTIAL_HEADERS.has(k) ? "[redacted]" : Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BODY) req.destroy(new Error("request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
