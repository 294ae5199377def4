#!/usr/bin/env node
// @ts-check
// Packs the built plugin (dist/plugin/) into one archive per platform, named
// as the engine asks for them when it downloads a plugin from the schema's
// pluginDownloadURL: pulumi-resource-cloudflare-turn-lookup-v<version>-<os>-<arch>.tar.gz.
// The plugin is JavaScript run by the user's Node.js (package.json's engines), so
// every archive holds the same files: the launchers (a shell script, and a
// .cmd for Windows) at the root, with the bundles and the schema beside them.
// `pulumi plugin install resource cloudflare-turn-lookup <version> --file <archive>`
// takes any of them too.
//
//   node scripts/plugin-archive.mjs [folder]   writes the archives into folder (default artifacts/) and prints their paths
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PLUGIN = path.join(REPO, "dist", "plugin");
/** The platforms the engine names in a plugin's file name: `<os>-<arch>`. */
const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];

const { version } = JSON.parse(fs.readFileSync(path.join(PLUGIN, "schema.json"), "utf8"));
const folder = path.resolve(process.argv[2] ?? path.join(REPO, "artifacts"));
fs.mkdirSync(folder, { recursive: true });
const first = path.join(folder, `pulumi-resource-cloudflare-turn-lookup-v${version}-${PLATFORMS[0]}.tar.gz`);
execFileSync("tar", ["-czf", first, "-C", PLUGIN, "."], { stdio: "inherit" });
process.stdout.write(`${first}\n`);
for (const platform of PLATFORMS.slice(1)) {
  const archive = path.join(folder, `pulumi-resource-cloudflare-turn-lookup-v${version}-${platform}.tar.gz`);
  fs.copyFileSync(first, archive);
  process.stdout.write(`${archive}\n`);
}
