#!/usr/bin/env node
// @ts-check
// `npm run demo`: starts the local emulator with a seeded TURN key, runs the
// quickstart example (examples/quickstart, installed from this checkout as
// its README says) against it with a throwaway local backend, from the
// checkout's root as its Pulumi.yaml runs it, and prints the key's name and
// uid as the stack read them.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { SetupError, cliEnv, resolveCli } from "./pulumi.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLE = path.join(REPO, "examples/quickstart");
const require = createRequire(import.meta.url);
const { startEmulator } = require("../dist/emulator/index.js");

const ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const KEY_ID = "2a95132c15732412d22c1476fa83f27a";

async function main() {
  let bin;
  try {
    bin = await resolveCli();
  } catch (err) {
    // A missing or old Go is already one message with its fix.
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof SetupError)) console.error(`demo: the Pulumi CLI is needed and could not be had: ${message}`);
    else console.error(`demo: ${message}`);
    process.exit(err instanceof SetupError ? 2 : 1);
  }

  // As the example's README says: it installs this package from the checkout just built.
  console.log("demo: npm install in examples/quickstart (this package, from the checkout)...");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: EXAMPLE, stdio: "inherit" });

  const token = `demo-${randomBytes(16).toString("hex")}`;
  const emulator = await startEmulator({
    token,
    seed: {
      keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" }],
    },
  });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-demo-"));
  // The CLI keeps a stack's config beside the root's Pulumi.yaml; a unique name keeps
  // runs apart, and the file is removed at the end.
  const stack = `demo-${randomBytes(4).toString("hex")}`;
  const stackConfigFile = path.join(REPO, `Pulumi.${stack}.yaml`);
  const env = cliEnv(bin, {
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
    PULUMI_HOME: path.join(work, "home"),
  });
  for (const k of Object.keys(env)) if (k.startsWith("CLOUDFLARE_")) delete env[k];
  fs.mkdirSync(path.join(work, "state"));

  // Asynchronous on purpose: the emulator runs in this process and must keep answering while the CLI runs.
  /** @type {(args: string[], options?: { quiet?: boolean }) => Promise<string>} */
  const pulumi = (args, { quiet = false } = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(path.join(bin, "pulumi"), [...args, "--non-interactive"], { cwd: REPO, env });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (quiet ? (out += d) : process.stdout.write(d)));
      child.stderr.on("data", (d) => (quiet ? (err += d) : process.stderr.write(d)));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) return resolve(out);
        process.stderr.write(out + err);
        reject(new Error(`pulumi ${args[0]} failed (exit ${code})`));
      });
    });

  try {
    console.log(`demo: emulator at ${emulator.url} with key ${KEY_ID}`);
    await pulumi(["stack", "init", stack], { quiet: true });
    await pulumi(["config", "set", "keyId", KEY_ID], { quiet: true });
    await pulumi(["config", "set", "accountId", ACCOUNT_ID], { quiet: true });
    await pulumi(["config", "set", "cloudflare:baseUrl", emulator.url], { quiet: true });
    await pulumi(["config", "set", "--secret", "cloudflare:apiToken", token], { quiet: true });
    await pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse(await pulumi(["stack", "output", "--json"], { quiet: true }));
    console.log(`\nLooked up TURN key ${KEY_ID}:`);
    console.log(`  name: ${outputs.name}`);
    console.log(`  uid:  ${outputs.uid}`);
    await pulumi(["destroy", "--yes", "--skip-preview"], { quiet: true });
  } finally {
    await emulator.close();
    fs.rmSync(stackConfigFile, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(1);
});
