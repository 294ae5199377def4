/**
 * What the plugin serves, on plain values: the three functions and the
 * `TurnKeyLookup` resource, over one client of the client layer. The gRPC
 * server (`server.ts`) turns the engine's messages into these calls; this
 * module knows nothing of gRPC, so it loads only when a call needs it.
 */
import { createTurnKeyClient } from "../client";
import { TurnKeyInputError } from "../core/errors";
import { accountIdOr, clearTextWarning, connectionFromEnv } from "../core/settings";
import { type ConfigKeyHints, configKeyHints, isCredentialKey, nearMissSentence, withConfigHints } from "../core/configHints";
import { ID_PATTERN, validateId, validateName } from "../core/ids";
import { type LookupOptions, type TurnKey, type TurnKeyClient, listedTurnKeys } from "../core/types";
import { PACKAGE, PLUGIN_CONFIG_KEYS, PLUGIN_NAMES, type PluginConfig, SECRET_OPTIONS, pluginKey, readPluginConfig } from "./config";
import { UNKNOWN, isUnknown } from "./markers";

/** The tokens the schema names. */
export const TOKENS = {
  lookupTurnKey: `${PACKAGE}:index:lookupTurnKey`,
  lookupTurnKeyByName: `${PACKAGE}:index:lookupTurnKeyByName`,
  lookupTurnKeys: `${PACKAGE}:index:lookupTurnKeys`,
  TurnKeyLookup: `${PACKAGE}:index:TurnKeyLookup`,
} as const;

/** A property of the inputs that fails its check: the engine shows it as `<resource> has a problem: <reason>`. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** The outputs of the resource and of the by-id and by-name functions. */
type KeyOutputs = Pick<TurnKey, "accountId" | "keyId" | "name" | "uid" | "created" | "modified">;

/** The separator of a `TurnKeyLookup`'s id: `<accountId>/<keyId>`, the form `pulumi import` takes. */
const ID_SEPARATOR = "/";

/** The engine's log of warnings, as the server gives it. */
export type Warn = (message: string) => void;

/** Provider inputs that are the engine's, not settings (the default provider's are never mistyped). */
const ENGINE_INPUTS = new Set(["version", "pluginDownloadURL"]);

/** The stack of a URN (`urn:pulumi:<stack>::<project>::…`). */
function stackOf(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/**
 * One provider of a plugin process: the default one of a stack, or an
 * explicit instance (the engine starts a process for each). It lives for
 * one engine's operation; a process that an engine attaches to makes a new
 * one for each.
 */
export class PluginProvider {
  private client: TurnKeyClient | undefined;
  private config: PluginConfig = { connection: {}, limits: {}, accountId: undefined, timeoutMs: undefined };
  /** Aborts every lookup in flight when the engine cancels the operation (the user's Ctrl-C). */
  private readonly cancelled = new AbortController();
  /** The stack and provider, from `CheckConfig`'s URN; `undefined` until it comes. */
  private urn: string | undefined;
  private hints: ConfigKeyHints = { nearMisses: [], unknown: [] };
  /** The warnings given: each once per provider and operation. */
  private readonly warned = new Set<string>();
  /** Whether a setting waits on a value the preview does not know yet (an explicit provider's input): nothing can be read then. */
  private configUnknown = false;
  /** What `read` found changed in a key since the state, per resource, for the refresh's `Diff` that follows it. */
  private readonly drift = new Map<string, { readonly outputs: KeyOutputs; readonly changed: string[] }>();

  constructor(private readonly warn: Warn = () => undefined) {}

  /**
   * Checks the provider's configuration: the keys the stack config sets
   * under `cloudflare-turn-lookup:`. Near misses of our keys are warned
   * about once, and named again if the credential is then missing.
   */
  checkConfig(urn: string, news: Readonly<Record<string, unknown>>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    this.urn = urn;
    const keys = Object.keys(news).filter((k) => !ENGINE_INPUTS.has(k));
    this.hints = configKeyHints(
      keys.map((k) => pluginKey(k)),
      PLUGIN_NAMES,
    );
    // Where a near miss leaves no credential at all, the lookup's error says it: once is enough.
    const env = connectionFromEnv(process.env);
    const noCredential = !keys.some((k) => SECRET_OPTIONS.includes(k)) && !(env.apiToken ?? env.apiKey);
    for (const miss of this.hints.nearMisses) if (!(noCredential && isCredentialKey(miss.meant, PLUGIN_NAMES))) this.warnOnce(nearMissSentence(miss));
    for (const key of this.hints.unknown) this.warnOnce(`${key} is not a setting of ${PACKAGE} and is ignored; its keys are ${PLUGIN_CONFIG_KEYS.join(", ")}.`);
    return { inputs: { ...news }, failures: [] };
  }

  /**
   * Takes the provider's configuration, with the names of the inputs the
   * engine marked secret. A malformed limit fails here; a missing
   * credential fails at the first lookup, so a program without lookups
   * never needs one. A credential of the stack's config without its secret
   * mark is warned about, once.
   */
  async configure(variables: ReadonlyMap<string, string>, secret: readonly string[]): Promise<void> {
    this.configUnknown = [...variables.values()].includes(UNKNOWN);
    const config = readPluginConfig(this.configUnknown ? new Map() : variables);
    await this.client?.close();
    // One client per provider: its lookups share requests and results; the rate budget is the credential's, process-wide.
    this.client = createTurnKeyClient({ ...config.connection, limits: config.limits, timeoutMs: config.timeoutMs, cache: true, names: PLUGIN_NAMES });
    this.config = config;
    // Only a default provider checked against this run's stack config reads it: an explicit one's inputs come from the
    // program, and one configured from the state (refresh, destroy) holds the config of the last update.
    const stack = this.urn !== undefined && /::default(_\w+)?$/.test(this.urn) ? stackOf(this.urn) : undefined;
    if (stack !== undefined) {
      const set = config.connection as Readonly<Record<string, string | undefined>>;
      for (const option of SECRET_OPTIONS.filter((o) => set[o] !== undefined && !secret.includes(o))) this.warnOnce(clearTextWarning(pluginKey(option), stack));
    }
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }

  /** Stops every lookup in flight, and any the engine still sends: the operation is over. */
  cancel(): void {
    this.cancelled.abort("cancelled");
  }

  private theClient(): TurnKeyClient {
    return (this.client ??= createTurnKeyClient({ cache: true, names: PLUGIN_NAMES }));
  }

  /** Runs one lookup on the provider's client, stopped by a cancel; a missing credential names the near misses of its key. */
  private async lookup<T>(use: (client: TurnKeyClient, options: LookupOptions) => Promise<T>): Promise<T> {
    if (this.configUnknown) {
      throw new TurnKeyInputError(
        "provider",
        `This ${PACKAGE} provider's settings are not known until its inputs are; its functions run once they are (in pulumi up).`,
      );
    }
    try {
      return await use(this.theClient(), { signal: this.cancelled.signal });
    } catch (err) {
      throw withConfigHints(err, this.hints, PLUGIN_NAMES);
    }
  }

  /** The account of a call: its argument, else the provider's `accountId`, else `CLOUDFLARE_ACCOUNT_ID`. */
  private account(value: unknown): string | undefined {
    const given = value === undefined || value === null || value === "" ? undefined : validateId("accountId", value, PLUGIN_NAMES);
    return accountIdOr(given ?? this.config.accountId);
  }

  /** Runs the function `token` on `args`. */
  async invoke(token: string, args: Readonly<Record<string, unknown>>): Promise<object> {
    switch (token) {
      case TOKENS.lookupTurnKey: {
        const ref = { accountId: this.account(args.accountId), keyId: validateId("keyId", args.keyId) };
        return keyOutputs(await this.lookup((client, options) => client.getTurnKey(ref, options)));
      }
      case TOKENS.lookupTurnKeyByName: {
        const ref = { accountId: this.account(args.accountId), name: validateName(args.name) };
        return keyOutputs(await this.lookup((client, options) => client.findTurnKeyByName(ref, options)));
      }
      case TOKENS.lookupTurnKeys: {
        const accountId = this.account(args.accountId);
        const keys = await this.lookup((client, options) => client.listTurnKeys({ accountId }, options));
        return { accountId, keys: listedTurnKeys(keys) };
      }
      default:
        throw new TurnKeyInputError("token", `${PACKAGE} has no function ${token}; it has ${Object.values(TOKENS).slice(0, 3).join(", ")}.`);
    }
  }

  /**
   * Checks a `TurnKeyLookup`'s inputs, with the account filled in from the
   * provider or the environment, so that a change of either shows as a
   * change of the lookup. A value a preview does not know yet passes as it
   * is: it is checked once known.
   */
  check(news: Readonly<Record<string, unknown>>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const inputs: Record<string, unknown> = {};
    const take = (property: "accountId" | "keyId", value: () => unknown): void => {
      try {
        const v = value();
        inputs[property] = v === UNKNOWN ? v : validateId(property, v, PLUGIN_NAMES);
      } catch (err) {
        failures.push({ property, reason: err instanceof Error ? err.message : String(err) });
      }
    };
    take("accountId", () => (news.accountId === UNKNOWN ? UNKNOWN : this.account(news.accountId)));
    take("keyId", () => news.keyId);
    return { inputs, failures };
  }

  /**
   * What changed: another account or key replaces the lookup (it reads
   * another key); in the `Diff` of a refresh, a key that changed in
   * Cloudflare since the state is an update of the properties that changed.
   */
  diff(urn: string, olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): { replaces: string[]; updates: string[] } {
    const replaces = (["accountId", "keyId"] as const).filter((property) => news[property] !== olds[property]);
    const drift = this.drift.get(urn);
    // The refresh's Diff is asked about the outputs its read returned, and only once.
    if (drift !== undefined && sameValues(drift.outputs, olds)) {
      this.drift.delete(urn);
      return { replaces, updates: drift.changed.filter((p) => !replaces.includes(p as "keyId")) };
    }
    return { replaces, updates: [] };
  }

  /** "Creates" a `TurnKeyLookup`: reads the key. In a preview with inputs not known yet, the outputs stay unknown and nothing is sent. */
  async create(inputs: Readonly<Record<string, unknown>>): Promise<{ id: string; outputs: Partial<KeyOutputs> }> {
    if (isUnknown(inputs.keyId) || inputs.accountId === UNKNOWN || this.configUnknown) return { id: "", outputs: {} };
    const ref = { accountId: this.account(inputs.accountId), keyId: validateId("keyId", inputs.keyId) };
    const key = await this.lookup((client, options) => client.getTurnKey(ref, options));
    return { id: resourceId(key), outputs: keyOutputs(key) };
  }

  /**
   * Reads a `TurnKeyLookup` for `pulumi refresh`, `pulumi import` and the
   * SDKs' `get`: the id is `<accountId>/<keyId>` (or a bare key id, with the
   * account from the provider or the environment). `state` is what the
   * state holds (nothing for an import); what changed since is kept for the
   * refresh's `Diff`.
   */
  async read(
    urn: string,
    id: string,
    state: Readonly<Record<string, unknown>> = {},
  ): Promise<{ id: string; outputs: KeyOutputs; inputs: { accountId: string; keyId: string } }> {
    const parts = id.split(ID_SEPARATOR);
    // A bare key id names its account through the provider or the environment; without one, the id's form is what to fix.
    const account = parts.length === 2 ? parts[0] : this.account(undefined);
    if (parts.length > 2 || account === undefined || (parts.length === 1 && !ID_PATTERN.test(id))) {
      throw new TurnKeyInputError("id", `A TurnKeyLookup's id is <accountId>/<keyId>; got ${JSON.stringify(id)}.`);
    }
    const ref = { accountId: validateId("accountId", account, PLUGIN_NAMES), keyId: validateId("keyId", parts.at(-1)) };
    const key = await this.lookup((client, options) => client.getTurnKey(ref, options));
    const outputs = keyOutputs(key);
    const changed = Object.keys(outputs).filter((p) => p in state && state[p] !== outputs[p as keyof KeyOutputs]);
    if (changed.length > 0) this.drift.set(urn, { outputs, changed });
    return { id: resourceId(key), outputs, inputs: { accountId: key.accountId, keyId: key.keyId } };
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    await this.client?.close();
  }
}

/** Whether `values` holds exactly the outputs `outputs`. */
function sameValues(outputs: KeyOutputs, values: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(values);
  return keys.length === Object.keys(outputs).length && keys.every((k) => values[k] === outputs[k as keyof KeyOutputs]);
}

function resourceId(key: TurnKey): string {
  return `${key.accountId}${ID_SEPARATOR}${key.keyId}`;
}

function keyOutputs({ accountId, keyId, name, uid, created, modified }: TurnKey): KeyOutputs {
  return { accountId, keyId, name, uid, created, modified };
}
