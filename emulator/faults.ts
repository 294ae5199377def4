import type { ServerResponse } from "node:http";

/**
 * One scripted answer. Without `reset` or `drip`, it answers `status` (default
 * 200) with `headers` and `body` (a string is sent as is; anything else as
 * JSON with `content-type: application/json`), after `delayMs`.
 */
export interface FaultStep {
  /** HTTP status. Default 200. */
  status?: number;
  /** Response headers. A `cf-ray` is added unless given. */
  headers?: Record<string, string>;
  /** Response body: a string as is, anything else as JSON. */
  body?: unknown;
  /** A body of this many bytes of `x` (for size limits), instead of `body`. */
  bodyBytes?: number;
  /** Wait this long before answering (or resetting). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Send the headers, then one `chunk` every `intervalMs` until the client goes away. */
  drip?: { intervalMs: number; chunk?: string };
  /** Answer as the emulator normally would (after `delayMs`). */
  passthrough?: boolean;
}

/** Scripted answers for one path: each matching request takes the next step; when none are left, requests are answered normally. */
export interface FaultScript {
  /** The request path, with or without the `/client/v4` prefix, or `*` for every API path. */
  path: string;
  /** Only requests with this method (default: any). */
  method?: string;
  /** The answers, in order. */
  steps: FaultStep[];
  /** Start over when the steps run out, instead of answering normally. */
  repeat?: boolean;
}

/** The scripts in force, consumed as requests arrive. */
export class FaultPlan {
  private scripts: { script: FaultScript; next: number }[] = [];

  /** Adds scripts; a later script for the same path and method goes after earlier ones. */
  add(scripts: readonly FaultScript[]): void {
    for (const script of scripts) {
      if (!script || typeof script.path !== "string" || !Array.isArray(script.steps)) {
        throw new Error("a fault script needs a path and a list of steps");
      }
      this.scripts.push({ script, next: 0 });
    }
  }

  /** Removes every script. */
  clear(): void {
    this.scripts = [];
  }

  /** The step for this request, if a script has one left. */
  take(method: string, path: string, prefix: string): FaultStep | undefined {
    for (const entry of this.scripts) {
      const { script } = entry;
      const pathMatches = script.path === "*" || script.path === path || prefix + script.path === path;
      if (!pathMatches || (script.method && script.method.toUpperCase() !== method)) continue;
      if (entry.next >= script.steps.length) {
        if (!script.repeat || script.steps.length === 0) continue;
        entry.next = 0;
      }
      return script.steps[entry.next++];
    }
    return undefined;
  }
}

/** Plays a non-passthrough step on `res`. */
export function playStep(step: FaultStep, res: ServerResponse, rayId: string): void {
  if (step.reset) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { "cf-ray": rayId, ...step.headers };
  if (step.drip) {
    res.writeHead(step.status ?? 200, { "content-type": "application/json", ...headers });
    res.flushHeaders();
    const timer = setInterval(() => res.write(step.drip!.chunk ?? " "), step.drip.intervalMs);
    res.on("close", () => clearInterval(timer));
    return;
  }
  let body: string;
  if (step.bodyBytes !== undefined) body = "x".repeat(step.bodyBytes);
  else if (typeof step.body === "string" || step.body === undefined) body = step.body ?? "";
  else {
    body = JSON.stringify(step.body);
    headers["content-type"] ??= "application/json";
  }
  res.writeHead(step.status ?? 200, headers);
  res.end(body);
}
