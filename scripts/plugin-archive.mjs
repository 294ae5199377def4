#!/usr/bin/env node
// @ts-check
// Packs the built plugin (dist/plugin/) into an archive that
// `pulumi plugin install resource cloudflare-turn-lookup <version> --file <archive>`
// accepts: the executable at its root, with the bundles and the schema
// beside it. It needs only Node.js 20.18.1 or newer on the user's PATH.
//
//   node scripts/plugin-archive.mjs [folder]   writes the archive into folder (default artifacts/) and prints its path
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PLUGIN = path.join(REPO, "dist", "plugin");
const { version } = JSON.parse(fs.readFileSync(path.join(PLUGIN, "schema.json"), "utf8"));
const out = path.resolve(process.argv[2] ?? path.join(REPO, "artifacts"), `pulumi-resource-cloudflare-turn-lookup-v${version}.tar.gz`);
fs.mkdirSync(path.dirname(out), { recursive: true });
execFileSync("tar", ["-czf", out, "-C", PLUGIN, "."], { stdio: "inherit" });
process.stdout.write(`${out}\n`);
