// Real network parts for proxy tests, all on loopback: a recording CONNECT
// proxy (optionally demanding credentials), a private certificate authority
// made with openssl, and a TLS front that serves the emulator over https
// with a certificate of that CA.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";

/** One CONNECT the proxy received. */
export interface ProxiedConnect {
  /** The `host:port` asked for. */
  readonly target: string;
  /** The `Proxy-Authorization` header sent, if any. */
  readonly proxyAuthorization: string | undefined;
  /** The status the proxy answered. */
  readonly status: number;
}

/** A running recording proxy. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  readonly port: number;
  readonly connects: ProxiedConnect[];
  close(): Promise<void>;
}

/** Tracks a server's sockets so that `close` ends kept-alive ones too. */
function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A forwarding proxy that answers `CONNECT` by opening a tunnel to the
 * target, and records each. With `credentials`, a CONNECT without the
 * matching Basic `Proxy-Authorization` gets 407.
 */
export async function startRecordingProxy(credentials?: { user: string; password: string; refuseWith?: 401 | 407 }): Promise<RecordingProxy> {
  const connects: ProxiedConnect[] = [];
  const expected = credentials ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}` : undefined;
  const server = http.createServer((_req, res) => res.writeHead(405).end("only CONNECT"));
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? "";
    const proxyAuthorization = req.headers["proxy-authorization"];
    client.on("error", () => undefined);
    if (expected && proxyAuthorization !== expected) {
      // tinyproxy answers a wrong password with 401 Unauthorized; most proxies with 407.
      const status = credentials?.refuseWith ?? 407;
      connects.push({ target, proxyAuthorization, status });
      const reason = status === 401 ? "Unauthorized\r\nWWW-Authenticate" : "Proxy Authentication Required\r\nProxy-Authenticate";
      client.end(`HTTP/1.1 ${status} ${reason}: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
    const upstream = net.connect(port, host, () => {
      connects.push({ target, proxyAuthorization, status: 200 });
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      connects.push({ target, proxyAuthorization, status: 502 });
      client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    });
    client.on("close", () => upstream.destroy());
  });
  const close = closer(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, connects, close };
}

/** A private CA and a server certificate it signed for 127.0.0.1 and localhost. */
export interface PrivateCa {
  /** The CA's certificate, as a PEM file: what NODE_EXTRA_CA_CERTS takes. */
  readonly caFile: string;
  readonly serverKey: string;
  readonly serverCert: string;
  remove(): void;
}

/** Makes a private CA and a server certificate with openssl, in a temporary folder. */
export function makePrivateCa(): PrivateCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-ca-"));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Turn Lookup Test CA", "-keyout", f("ca.key"), "-out", f("ca.pem"));
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", f("server.key"), "-out", f("server.csr"));
  fs.writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
  openssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
    "-out",
    f("server.pem"),
  );
  return {
    caFile: f("ca.pem"),
    serverKey: fs.readFileSync(f("server.key"), "utf8"),
    serverCert: fs.readFileSync(f("server.pem"), "utf8"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running TLS front. */
export interface TlsFront {
  /** `https://127.0.0.1:<port>/client/v4`: the emulator's API over TLS. */
  readonly url: string;
  readonly port: number;
  /** How many TLS connections it accepted. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Serves `plainUrl` (the emulator's http URL) over TLS, with `ca`'s server certificate. */
export async function startTlsFront(plainUrl: string, ca: PrivateCa): Promise<TlsFront> {
  const target = new URL(plainUrl);
  let connections = 0;
  const server = tls.createServer({ key: ca.serverKey, cert: ca.serverCert }, (socket) => {
    connections++;
    const upstream = net.connect(Number(target.port), target.hostname);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  server.on("tlsClientError", () => undefined);
  const close = closer(server);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}${target.pathname}`, port, connections: () => connections, close };
}

/**
 * A loopback port that nothing listens on: a proxy that cannot be reached.
 * The discard port, which nothing here serves: a freed ephemeral port could
 * be handed to another process while a test still counts on its refusal.
 */
export function closedPort(): Promise<number> {
  return Promise.resolve(9);
}
