#!/usr/bin/env node
// @ts-check
// The plugin schema's config variables and provider inputs are made from the
// settings table (provider/core/settings.ts, read from the build in dist/):
// type, secrecy, environment variable, default and description, so that they
// say what the code does. `node scripts/schema.mjs` writes them into
// provider/plugin/schema.json (`npm run sdk` runs it before generating the
// SDKs); `--check` fails when the file differs, as CI does.
//
// Defaults and environment variables are stated in the descriptions, not as
// the schema's `default` and `defaultInfo`: with those, the generated SDKs
// would resolve them in the program, so a token from the environment would
// become a provider input, and a default base URL would hide CLOUDFLARE_BASE_URL
// from the plugin.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMA = path.join(REPO, "provider", "plugin", "schema.json");

/**
 * The schema's `config.variables` and `provider.inputProperties`, from the settings table.
 * @returns {{ variables: Record<string, object>, inputProperties: Record<string, object> }}
 */
export function settingsSection() {
  const require = createRequire(import.meta.url);
  /** @type {{ SETTINGS: readonly { option: string; env?: string; secret: boolean; default?: string | number; plugin: boolean; description: string }[] }} */
  const { SETTINGS } = require(path.join(REPO, "dist", "provider", "core", "settings.js"));
  const name = JSON.parse(fs.readFileSync(SCHEMA, "utf8")).name;
  /** @type {Record<string, object>} */
  const variables = {};
  /** @type {Record<string, object>} */
  const inputProperties = {};
  for (const row of SETTINGS.filter((r) => r.plugin)) {
    const then = typeof row.default === "string" ? `, then \`${row.default}\`` : "";
    const fallback = row.env ? ` Falls back to the environment variable \`${row.env}\`${then}.` : "";
    const byDefault = typeof row.default === "number" ? ` Default ${row.default}.` : "";
    const type = typeof row.default === "number" ? "integer" : "string";
    const secret = row.secret ? { secret: true } : {};
    const store = row.secret ? ` Store it with \`pulumi config set --secret ${name}:${row.option}\`.` : "";
    variables[row.option] = { type, ...secret, description: `${row.description}${store}${fallback}${byDefault}` };
    inputProperties[row.option] = { type, ...secret, description: `${row.description}${fallback}${byDefault}` };
  }
  return { variables, inputProperties };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
  const { variables, inputProperties } = settingsSection();
  const same =
    JSON.stringify(schema.config) === JSON.stringify({ variables }) && JSON.stringify(schema.provider.inputProperties) === JSON.stringify(inputProperties);
  if (process.argv.includes("--check")) {
    if (!same) {
      process.stderr.write(
        "provider/plugin/schema.json's config and provider inputs differ from the settings table: run npm run sdk, and commit the result.\n",
      );
      process.exit(1);
    }
    process.stdout.write("The schema's config and provider inputs are the settings table's.\n");
  } else if (!same) {
    schema.config = { variables };
    schema.provider = { ...schema.provider, inputProperties };
    fs.writeFileSync(SCHEMA, `${JSON.stringify(schema, null, 2)}\n`);
    // The repository's formatting of JSON.
    execFileSync(path.join(REPO, "node_modules", ".bin", "prettier"), ["--write", SCHEMA], { stdio: "ignore" });
  }
}
