// @ts-check
// A platform team's host process: it runs inline Pulumi programs of several
// stacks through the Automation API, in this one Node.js process, one after
// another and at the same time. It reads one JSON command per line on stdin
// and answers one JSON line on stdout per command.
"use strict";
const readline = require("node:readline");
const pulumi = require("@pulumi/pulumi");
const { LocalWorkspace } = require("@pulumi/pulumi/automation");
const { TurnKeyLookup, lookupTurnKeyOutput, lookupTurnKeysOutput } = require("pulumi-cloudflare-turn-lookup");

const PROJECT = "automation-host";
// The folder with @pulumi/pulumi and this package in node_modules, whatever the working directory.
const workDir = __dirname;

/** @typedef {import("../../support/automationHost").StackSettings} StackSettings */
/** @typedef {import("../../support/automationHost").RunResult} RunResult */

/** The inline program: function forms, and the resource form when the stack's config asks for it. */
async function program() {
  const config = new pulumi.Config();
  const accountId = config.require("accountId");
  const keyId = config.require("keyId");
  // A baseline: the same program's shape without any lookup.
  if (config.getBoolean("withoutLookups")) return { accountId, keyId };
  const byId = lookupTurnKeyOutput({ accountId, keyId });
  const list = lookupTurnKeysOutput({ accountId });
  /** @type {Record<string, import("@pulumi/pulumi").Output<unknown>>} */
  const outputs = { functionName: byId.name, listed: list.keys.apply((keys) => keys.map((k) => k.name)) };
  if (config.getBoolean("withResource")) outputs.resourceName = new TurnKeyLookup("resource-form", { accountId, keyId }).name;
  return outputs;
}

/** @type {Map<string, import("@pulumi/pulumi/automation").Stack>} */
const stacks = new Map();

/**
 * Creates (or selects) a stack with its own settings.
 * @param {string} name
 * @param {StackSettings} settings
 */
async function stackFor(name, settings) {
  let stack = stacks.get(name);
  if (!stack) {
    // The engine's dynamic-provider plugin loads @pulumi/pulumi and this package from the project's folder:
    // both settings name this one, or the workspace writes the working directory as main.
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: name, projectName: PROJECT, program },
      { workDir, projectSettings: { name: PROJECT, runtime: "nodejs", main: workDir } },
    );
    stacks.set(name, stack);
  }
  const config = {
    accountId: { value: settings.accountId },
    keyId: { value: settings.keyId },
    withResource: { value: String(Boolean(settings.withResource)) },
    withoutLookups: { value: String(Boolean(settings.withoutLookups)) },
    "cloudflare:baseUrl": { value: settings.baseUrl },
    "cloudflare:apiToken": { value: settings.apiToken, secret: settings.tokenSecret !== false },
  };
  await stack.setAllConfig(config);
  return stack;
}

/**
 * One `pulumi up` or `pulumi preview` of a stack: its outputs and what the CLI printed.
 * @param {"up" | "preview"} op
 * @param {string} name
 * @param {StackSettings} settings
 * @returns {Promise<RunResult>}
 */
async function runStack(op, name, settings) {
  const stack = await stackFor(name, settings);
  let output = "";
  const onOutput = (/** @type {string} */ text) => (output += text);
  try {
    if (op === "preview") {
      await stack.preview({ onOutput });
      return { stack: name, ok: true, output };
    }
    const result = await stack.up({ onOutput });
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
    return { stack: name, ok: true, outputs, output };
  } catch (err) {
    return { stack: name, ok: false, output, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * What the process holds: active handles by kind, and the heap after a full collection.
 * @param {number} settleMs
 * @returns {Promise<import("../../support/automationHost").Holdings>}
 */
async function holdings(settleMs) {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  if (!global.gc) throw new Error("run the host with --expose-gc");
  global.gc();
  /** @type {Record<string, number>} */
  const kinds = {};
  for (const kind of process.getActiveResourcesInfo()) kinds[kind] = (kinds[kind] || 0) + 1;
  return { kinds, heapUsed: process.memoryUsage().heapUsed };
}

/**
 * @param {{ op: "runs", runs: import("../../support/automationHost").RunRequest[], concurrent: boolean } | { op: "holdings", settleMs: number }} command
 * @returns {Promise<unknown>}
 */
async function handle(command) {
  switch (command.op) {
    case "runs": {
      const runs = command.runs.map((r) => () => runStack(r.op, r.stack, r.settings));
      if (command.concurrent) return Promise.all(runs.map((run) => run()));
      const results = [];
      for (const run of runs) results.push(await run());
      return results;
    }
    case "holdings":
      return holdings(command.settleMs);
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const command = JSON.parse(line);
  handle(command).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: command.id, result })}\n`),
    (err) => process.stdout.write(`${JSON.stringify({ id: command.id, error: String(err && err.stack) })}\n`),
  );
});
lines.on("close", () => process.exit(0));
