// @ts-check
// The CPU this package spends in a program process up to its first value:
// `node bench/first-value-worker.cjs <baseUrl> <token> <accountId> <keyId>`,
// in a fresh process where @pulumi/pulumi is already loaded, from requiring
// /compat to the resolved getCallsTurnApp. Prints one JSON line.
"use strict";
const [baseUrl, token, accountId, keyId] = process.argv.slice(2);
// The program's stack config, as the language host passes it.
process.env.PULUMI_CONFIG = JSON.stringify({ "cloudflare:apiToken": token, "cloudflare:baseUrl": baseUrl });
process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["cloudflare:apiToken"]);
require("@pulumi/pulumi");
const start = process.cpuUsage();
const { getCallsTurnApp } = require("pulumi-cloudflare-turn-lookup/compat");
const loaded = process.cpuUsage(start);
getCallsTurnApp({ accountId: String(accountId), keyId: String(keyId) }).then(
  () => {
    const total = process.cpuUsage(start);
    process.stdout.write(`${JSON.stringify({ cpuMs: (total.user + total.system) / 1000, loadCpuMs: (loaded.user + loaded.system) / 1000 })}\n`);
    process.exit(0);
  },
  (/** @type {unknown} */ err) => {
    console.error(err);
    process.exit(1);
  },
);
