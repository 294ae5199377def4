/**
 * The plugin's configuration: the package's config keys
 * (`cloudflare-turn-lookup:apiToken`, …), which are the options of the
 * settings table under the package's name, as the engine passes them to
 * `configure` for the default provider and for each explicit one.
 */
import {
  type ConfigKeys,
  SETTINGS,
  type SettingName,
  type SettingRow,
  type ConnectionSettings,
  type RequestLimits,
  connectionFromConfig,
  limitsFromConfig,
} from "../core/settings";

/** The package's name: the plugin is `pulumi-resource-cloudflare-turn-lookup`, its tokens `cloudflare-turn-lookup:index:…`. */
export const PACKAGE = "cloudflare-turn-lookup";

/** The settings the plugin's config sets: those the stack config sets for the TypeScript forms, and the default account. */
const PLUGIN_SETTINGS: readonly SettingRow[] = SETTINGS.filter((row) => row.configKey !== undefined || row.option === "accountId");

/** The plugin's config keys, in the settings table's order: `cloudflare-turn-lookup:apiToken`, … */
export const PLUGIN_CONFIG_KEYS: readonly string[] = PLUGIN_SETTINGS.map((row) => pluginKey(row.option));

/** The plugin's config key of a setting, or of a provider input: `apiToken` is `cloudflare-turn-lookup:apiToken`. */
export function pluginKey(option: string): string {
  return `${PACKAGE}:${option}`;
}

/** How the plugin names its config keys, for the typo hints. */
export const PLUGIN_KEYS: ConfigKeys = {
  keyOf: (row) => (PLUGIN_SETTINGS.includes(row) ? pluginKey(row.option) : undefined),
  ownPrefix: `${PACKAGE}:`,
};

/** The options that are credentials, kept secret. */
export const SECRET_OPTIONS: readonly string[] = PLUGIN_SETTINGS.filter((row) => row.secret).map((row) => row.option);

/** What one provider's configuration sets. */
export interface PluginConfig {
  readonly connection: ConnectionSettings;
  readonly limits: Partial<RequestLimits>;
  /** The account of lookups that name none. */
  readonly accountId: string | undefined;
}

/**
 * Reads a provider's configuration from `configure`'s variables, keyed
 * `cloudflare-turn-lookup:config:apiToken` (as the engine sends them) or
 * `cloudflare-turn-lookup:apiToken`. A limit that is not a whole number is a
 * `TurnKeyInputError` (its message names the TypeScript forms' key: see {@link withPluginKeys}).
 */
export function readPluginConfig(variables: ReadonlyMap<string, string>): PluginConfig {
  const byOption = (option: string): string | undefined => {
    const raw = variables.get(`${PACKAGE}:config:${option}`) ?? variables.get(pluginKey(option));
    return raw === undefined || raw.trim() === "" ? undefined : raw;
  };
  // The table's readers take the TypeScript forms' keys; here each reads the plugin's key of the same option.
  const get = (configKey: string): string | undefined => byOption(optionOfConfigKey(configKey));
  return { connection: connectionFromConfig(get), limits: limitsFromConfig(get), accountId: byOption("accountId") };
}

function optionOfConfigKey(configKey: string): SettingName {
  return SETTINGS.find((row) => (row as SettingRow).configKey === configKey)!.option;
}

/**
 * `message` with every config key of the TypeScript forms in it
 * (`cloudflare:apiToken`, `turnKeyLookup:burst`) named as the plugin's
 * (`cloudflare-turn-lookup:apiToken`): the client's messages name the keys
 * of the stack config that the TypeScript forms read.
 */
export function withPluginKeys(message: string): string {
  let out = message;
  for (const row of PLUGIN_SETTINGS) {
    if (row.configKey !== undefined) out = out.split(row.configKey).join(pluginKey(row.option));
  }
  return out;
}
