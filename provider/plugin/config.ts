/**
 * The plugin's configuration: the package's config keys
 * (`cloudflare-turn-lookup:apiToken`, …), which are the options of the
 * settings table under the package's name, as the engine passes them to
 * `configure` for the default provider and for each explicit one.
 */
import {
  SETTINGS,
  type SettingNames,
  type SettingRow,
  type ConnectionSettings,
  type RequestLimits,
  connectionFromConfig,
  limitsFromConfig,
  wholeNumbersFromConfig,
} from "../core/settings";

/** The package's name: the plugin is `pulumi-resource-cloudflare-turn-lookup`, its tokens `cloudflare-turn-lookup:index:…`. */
export const PACKAGE = "cloudflare-turn-lookup";

/** The settings the plugin's config sets. */
const PLUGIN_SETTINGS: readonly SettingRow[] = SETTINGS.filter((row) => row.plugin);

/** The plugin's config keys, in the settings table's order: `cloudflare-turn-lookup:apiToken`, … */
export const PLUGIN_CONFIG_KEYS: readonly string[] = PLUGIN_SETTINGS.map((row) => pluginKey(row.option));

/** The plugin's config key of a setting, or of a provider input: `apiToken` is `cloudflare-turn-lookup:apiToken`. */
export function pluginKey(option: string): string {
  return `${PACKAGE}:${option}`;
}

/** How the plugin's messages name settings: by its own config keys. */
export const PLUGIN_NAMES: SettingNames = {
  keyOf: (row) => (row.plugin ? pluginKey(row.option) : undefined),
  stackConfig: true,
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
  /** Each lookup's deadline, in ms, if set. */
  readonly timeoutMs: number | undefined;
}

/**
 * Reads a provider's configuration from `configure`'s variables, keyed
 * `cloudflare-turn-lookup:config:apiToken` (as the engine sends them) or
 * `cloudflare-turn-lookup:apiToken`. A number that is not a whole number is a
 * `TurnKeyInputError` naming the plugin's key.
 */
export function readPluginConfig(variables: ReadonlyMap<string, string>): PluginConfig {
  const get = (key: string): string | undefined => {
    const raw = variables.get(key.replace(`${PACKAGE}:`, `${PACKAGE}:config:`)) ?? variables.get(key);
    return raw === undefined || raw.trim() === "" ? undefined : raw;
  };
  return {
    connection: connectionFromConfig(get, PLUGIN_NAMES),
    limits: limitsFromConfig(get, PLUGIN_NAMES),
    accountId: get(pluginKey("accountId")),
    timeoutMs: wholeNumbersFromConfig(get, PLUGIN_NAMES, ["timeoutMs"]).timeoutMs,
  };
}
