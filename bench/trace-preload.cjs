// @ts-check
// Traces one function lookup inside a real `pulumi preview`: loaded into the
// program's Node.js process with NODE_OPTIONS="--require <this file>", it
// timestamps (ms since the process started) the loads of @pulumi/pulumi,
// this package and undici, and the request's life through undici's own
// diagnostics channels, then writes them to $TURN_LOOKUP_TRACE_FILE when the
// process exits. Nothing here changes what the program does.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const diagnostics = require("node:diagnostics_channel");

const file = process.env.TURN_LOOKUP_TRACE_FILE;
/** @type {{ event: string, at: number, cpuMs: number }[]} */
const events = [];
const mark = (/** @type {string} */ event) => {
  const cpu = process.cpuUsage();
  events.push({ event, at: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 });
};
mark("node started, preload runs");
// The bench stack calls this when the first lookup's value reaches it.
Object.assign(globalThis, { __turnLookupTrace: mark });

/** Module loads to time: the first require of each, with everything it loads in turn. */
const WATCHED = [
  ["@pulumi/pulumi", "the Pulumi SDK"],
  ["pulumi-cloudflare-turn-lookup", "this package"],
  ["undici/lib/dispatcher/agent", "undici's Agent"],
];
const seen = new Set();
const moduleInternals = /** @type {{ _load: (request: string, parent: unknown, isMain: boolean) => unknown }} */ (/** @type {unknown} */ (Module));
const load = moduleInternals._load;
/**
 * @this {unknown}
 * @param {string} request
 * @param {unknown} parent
 * @param {boolean} isMain
 */
moduleInternals._load = function (request, parent, isMain) {
  const watched = WATCHED.find(([name]) => name === request && !seen.has(name));
  if (!watched) return load.call(this, request, parent, isMain);
  seen.add(watched[0]);
  mark(`loading ${watched[1]}`);
  try {
    return load.call(this, request, parent, isMain);
  } finally {
    mark(`loaded ${watched[1]}`);
  }
};

// undici publishes each request's steps; the first of each is the one lookup's.
for (const [channel, event] of [
  ["undici:request:create", "request created"],
  ["undici:client:beforeConnect", "connecting"],
  ["undici:client:connected", "connected"],
  ["undici:client:sendHeaders", "request sent"],
  ["undici:request:headers", "response headers"],
  ["undici:request:trailers", "response complete"],
]) {
  const listener = () => {
    mark(event);
    diagnostics.unsubscribe(channel, listener);
  };
  diagnostics.subscribe(channel, listener);
}

process.on("exit", () => {
  mark("program process exits");
  if (file) fs.writeFileSync(file, JSON.stringify({ timeOrigin: performance.timeOrigin, events }));
});
