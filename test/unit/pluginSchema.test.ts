// The plugin's schema held to the TypeScript faces: the same settings, the
// same arguments and results, the same version, so the two cannot drift.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { LookupTurnKeyArgs, LookupTurnKeyByNameArgs, LookupTurnKeysArgs, LookupTurnKeysResult } from "../../provider/pulumi/functions";
import type { ListedTurnKey, TurnKey } from "../../provider/core/types";
import { PLUGIN_CONFIG_KEYS } from "../../provider/plugin/config";
import { SETTINGS } from "../../provider/core/settings";
import { TOKENS } from "../../provider/plugin/provider";
import { REPO } from "../support/packed";

interface Property {
  type?: string;
  secret?: boolean;
  description?: string;
  items?: { $ref: string };
}
interface Schema {
  name: string;
  version: string;
  config: { variables: Record<string, Property> };
  provider: { inputProperties: Record<string, Property> };
  types: Record<string, { properties: Record<string, Property>; required: string[] }>;
  resources: Record<string, { inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[] }>;
  functions: Record<
    string,
    { inputs: { properties: Record<string, Property>; required?: string[] }; outputs: { properties: Record<string, Property>; required: string[] } }
  >;
}

const schema = JSON.parse(fs.readFileSync(path.join(REPO, "provider/plugin/schema.json"), "utf8")) as Schema;

/** Every key of `T`, listed once: a key added to or removed from the type is a type error here. */
function keysOf<T>(keys: { [K in keyof Required<T>]: true }): string[] {
  return Object.keys(keys).sort();
}

const KEY_FIELDS = keysOf<TurnKey>({ accountId: true, keyId: true, name: true, uid: true, created: true, modified: true });
const sorted = (o: object) => Object.keys(o).sort();

describe("schema.json", () => {
  it("names the package, and its version is the npm package's", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
    expect(schema.name).toBe("cloudflare-turn-lookup");
    expect(schema.version).toBe(pkg.version);
  });

  it("has a config variable and a provider property for each of the plugin's settings, the credentials secret", () => {
    const options = PLUGIN_CONFIG_KEYS.map((k) => k.replace(/^cloudflare-turn-lookup:/, "")).sort();
    expect(options).toEqual([
      "accountId",
      "apiKey",
      "apiToken",
      "baseUrl",
      "burst",
      "email",
      "intervalMs",
      "maxConcurrency",
      "requestsPerInterval",
      "timeoutMs",
      "userAgentOperatorSuffix",
    ]);
    expect(sorted(schema.config.variables)).toEqual(options);
    expect(sorted(schema.provider.inputProperties)).toEqual(options);
    for (const table of [schema.config.variables, schema.provider.inputProperties]) {
      expect(Object.keys(table).filter((k) => table[k]!.secret)).toEqual(["apiToken", "apiKey"]);
      for (const limit of ["maxConcurrency", "requestsPerInterval", "intervalMs", "burst", "timeoutMs"]) expect(table[limit]!.type).toBe("integer");
    }
  });

  it("is made from the settings table: each setting's environment variable and default are in its description", async () => {
    const { settingsSection } = (await import(path.join(REPO, "scripts/schema.mjs"))) as {
      settingsSection: () => { variables: Record<string, Property>; inputProperties: Record<string, Property> };
    };
    const made = settingsSection();
    expect(schema.config.variables).toEqual(made.variables);
    expect(schema.provider.inputProperties).toEqual(made.inputProperties);
    for (const row of SETTINGS.filter((r) => r.plugin)) {
      for (const property of [schema.config.variables[row.option]!, schema.provider.inputProperties[row.option]!]) {
        expect(property.description, row.option).toContain(row.description);
        if (row.env) expect(property.description, row.option).toContain(`Falls back to the environment variable \`${row.env}\``);
        if (typeof row.default === "number") expect(property.description, row.option).toContain(`Default ${row.default}.`);
        if (typeof row.default === "string") expect(property.description, row.option).toContain(`then \`${row.default}\``);
      }
    }
    expect(schema.config.variables.apiToken!.description).toContain("pulumi config set --secret cloudflare-turn-lookup:apiToken");
  });

  it("has the three functions and the resource under the tokens the plugin serves", () => {
    expect(sorted(schema.functions)).toEqual([TOKENS.lookupTurnKey, TOKENS.lookupTurnKeyByName, TOKENS.lookupTurnKeys].sort());
    expect(sorted(schema.resources)).toEqual([TOKENS.TurnKeyLookup]);
  });

  it("gives the functions the TypeScript forms' arguments and results", () => {
    const fn = (token: string) => schema.functions[token]!;
    expect(sorted(fn(TOKENS.lookupTurnKey).inputs.properties)).toEqual(keysOf<LookupTurnKeyArgs>({ accountId: true, keyId: true }));
    expect(fn(TOKENS.lookupTurnKey).inputs.required).toEqual(["keyId"]);
    expect(sorted(fn(TOKENS.lookupTurnKeyByName).inputs.properties)).toEqual(keysOf<LookupTurnKeyByNameArgs>({ accountId: true, name: true }));
    expect(fn(TOKENS.lookupTurnKeyByName).inputs.required).toEqual(["name"]);
    expect(sorted(fn(TOKENS.lookupTurnKeys).inputs.properties)).toEqual(keysOf<LookupTurnKeysArgs>({ accountId: true }));
    for (const token of [TOKENS.lookupTurnKey, TOKENS.lookupTurnKeyByName]) {
      expect(sorted(fn(token).outputs.properties)).toEqual(KEY_FIELDS);
      expect([...fn(token).outputs.required].sort()).toEqual(KEY_FIELDS);
    }
    expect(sorted(fn(TOKENS.lookupTurnKeys).outputs.properties)).toEqual(keysOf<LookupTurnKeysResult>({ accountId: true, keys: true }));
    expect(fn(TOKENS.lookupTurnKeys).outputs.properties.keys!.items!.$ref).toBe("#/types/cloudflare-turn-lookup:index:ListedTurnKey");
    const listed = schema.types["cloudflare-turn-lookup:index:ListedTurnKey"]!;
    const listedFields = keysOf<ListedTurnKey>({ name: true, uid: true, created: true, modified: true });
    expect(sorted(listed.properties)).toEqual(listedFields);
    expect([...listed.required].sort()).toEqual(listedFields);
  });

  it("gives the resource the key's fields as outputs, read by account and key id", () => {
    const resource = schema.resources[TOKENS.TurnKeyLookup]!;
    expect(sorted(resource.inputProperties)).toEqual(["accountId", "keyId"]);
    expect(resource.requiredInputs).toEqual(["keyId"]);
    expect(sorted(resource.properties)).toEqual(KEY_FIELDS);
    expect([...resource.required].sort()).toEqual(KEY_FIELDS);
  });

  it("describes every property, with the API reference's words for the key's fields", () => {
    const text = fs.readFileSync(path.join(REPO, "provider/plugin/schema.json"), "utf8");
    expect(text).toContain('"A short description of Calls app, not shown to end users."');
    expect(text).toContain('"The date and time the item was created."');
    const all: Property[] = [
      ...Object.values(schema.config.variables),
      ...Object.values(schema.provider.inputProperties),
      ...Object.values(schema.resources).flatMap((r) => [...Object.values(r.inputProperties), ...Object.values(r.properties)]),
      ...Object.values(schema.functions).flatMap((f) => [...Object.values(f.inputs.properties), ...Object.values(f.outputs.properties)]),
      ...Object.values(schema.types).flatMap((t) => Object.values(t.properties)),
    ];
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((p) => !p.description)).toEqual([]);
  });
});
