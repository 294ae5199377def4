#!/usr/bin/env node
// @ts-check
// Builds the provider plugin into dist/plugin/: the folder the engine runs
// (`pulumi-resource-cloudflare-turn-lookup`, a shell script that starts
// node on plugin.js, and its .cmd twin for Windows), bundles of the plugin and everything it loads (gRPC,
// the generated stubs, the client, undici, zod), and schema.json.
// One file loads faster than a tree of modules, and the folder needs
// nothing but Node.js: it is also the plugin archive's content.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = path.join(REPO, "provider", "plugin");
const OUT = path.join(REPO, "dist", "plugin");

// The supported Node.js versions are package.json's engines, written nowhere else: the bundle's
// target is their floor, and the entry's version check and the launchers' messages state them.
const engines = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).engines.node;
const floor = /^\^(\d+)\.(\d+)/.exec(engines);
if (!floor) throw new Error(`package.json's engines.node should start with a caret range such as ^20.18.1; it is ${engines}`);

/** @type {import("esbuild").BuildOptions} */
const common = {
  bundle: true,
  platform: "node",
  target: `node${floor[1]}.${floor[2]}`,
  format: "cjs",
  minify: true,
  legalComments: "linked",
  logLevel: "warning",
  define: { NODE_ENGINES: JSON.stringify(engines) },
};

fs.rmSync(OUT, { recursive: true, force: true });
// Three bundles: the entry (the Node.js version check and the code-cache
// loader), the server, which must print its port fast (the engine starts
// the plugin twice in a YAML preview, once just for the schema), and the
// provider (the lookups), loaded at the first call that needs the client.
for (const [entry, out] of [
  ["main.ts", "plugin.js"],
  ["server.ts", "server.js"],
  ["provider.ts", "provider.js"],
]) {
  await build({ ...common, entryPoints: [path.join(SOURCE, entry)], outfile: path.join(OUT, out) });
}
// The launchers: a shell script, and a .cmd for Windows, where the engine runs pulumi-resource-<name>.exe or .cmd.
fs.copyFileSync(path.join(SOURCE, "schema.json"), path.join(OUT, "schema.json"));
for (const file of ["pulumi-resource-cloudflare-turn-lookup", "pulumi-resource-cloudflare-turn-lookup.cmd"]) {
  fs.writeFileSync(path.join(OUT, file), fs.readFileSync(path.join(SOURCE, file), "utf8").replaceAll("NODE_ENGINES", engines));
}
fs.chmodSync(path.join(OUT, "pulumi-resource-cloudflare-turn-lookup"), 0o755);
