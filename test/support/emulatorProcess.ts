import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { REPO } from "./packed";

/** The `cloudflare-turn-emulator` bin running in its own process. */
export interface EmulatorProcess {
  /** Base URL, as the bin printed it (ending in `/client/v4`). */
  readonly url: string;
  /** Base URL of the admin API. */
  readonly admin: string;
  readonly child: ChildProcess;
  stop(): void;
}

/** Starts the built emulator bin with `args` and waits for the base URL it prints first. */
export async function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [path.join(REPO, "dist/emulator/cli.js"), "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return { url, admin: url.replace(/\/client\/v4$/, "/__admin"), child, stop: () => child.kill() };
}
