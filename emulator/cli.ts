#!/usr/bin/env node
/**
 * `cloudflare-turn-emulator`: runs the local Cloudflare Calls TURN-key API
 * until interrupted. Prints its base URL (ending in `/client/v4`) as the
 * first line on stdout.
 */
import { parseArgs } from "node:util";
import { startEmulator } from "./server";

const USAGE = `Usage: cloudflare-turn-emulator [options]

  --port N          port to listen on; 0 picks a free one (default 0)
  --host H          host to listen on (default 127.0.0.1)
  --token T         accept only this bearer token (default: any non-empty token)
  --seed FILE       JSON file with { "keys": [...], "faults": [...] } to start with
  --latency-ms N    add N ms to every API request
  --rate-limit N/MS allow N API requests per MS milliseconds, then answer 429
  --help            show this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      seed: { type: "string" },
      "latency-ms": { type: "string" },
      "rate-limit": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = wholeNumber("--port", values.port);
  const latencyMs = values["latency-ms"] === undefined ? undefined : wholeNumber("--latency-ms", values["latency-ms"]);
  let rateLimit: { requests: number; windowMs: number } | undefined;
  if (values["rate-limit"] !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values["rate-limit"]);
    if (!m) throw new Error(`--rate-limit takes N/MS, e.g. 100/1000; got ${values["rate-limit"]}`);
    rateLimit = { requests: Number(m[1]), windowMs: Number(m[2]) };
  }
  const emulator = await startEmulator({ port, host: values.host, token: values.token, seed: values.seed, latencyMs, rateLimit });
  process.stdout.write(`${emulator.url}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${flag} takes a whole number; got ${text}`);
  return Number(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`cloudflare-turn-emulator: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
});
