/**
 * What the plugin serves, on plain values: the three functions and the
 * `TurnKeyLookup` resource, over one client of the client layer. The gRPC
 * server (`server.ts`) turns the engine's messages into these calls; this
 * module knows nothing of gRPC, so it loads only when a call needs it.
 */
import { createTurnKeyClient } from "../client";
import { TurnKeyInputError } from "../core/errors";
import { accountIdFromEnv } from "../core/settings";
import { validateId, validateName } from "../core/ids";
import { type TurnKey, type TurnKeyClient, listedTurnKeys } from "../core/types";
import { PACKAGE, type PluginConfig, readPluginConfig } from "./config";
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

/** One configured provider: the default one of a stack, or an explicit instance. */
export class PluginProvider {
  private client: TurnKeyClient | undefined;
  private config: PluginConfig = { connection: {}, limits: {}, accountId: undefined };

  /**
   * Takes the provider's configuration. A malformed limit fails here; a
   * missing credential fails at the first lookup, so a program without
   * lookups never needs one.
   */
  async configure(variables: ReadonlyMap<string, string>): Promise<void> {
    const config = readPluginConfig(variables);
    await this.client?.close();
    // One client per provider: its lookups share requests and results; the rate budget is the credential's, process-wide.
    this.client = createTurnKeyClient({ ...config.connection, limits: config.limits, cache: true });
    this.config = config;
  }

  private theClient(): TurnKeyClient {
    return (this.client ??= createTurnKeyClient({ cache: true }));
  }

  /** The account of a call: its argument, else the provider's `accountId` (the client then falls back to `CLOUDFLARE_ACCOUNT_ID`). */
  private account(value: unknown): string | undefined {
    if (value === undefined || value === null || value === "") return this.config.accountId;
    return validateId("accountId", value);
  }

  /** Runs the function `token` on `args`. */
  async invoke(token: string, args: Readonly<Record<string, unknown>>): Promise<object> {
    const client = this.theClient();
    switch (token) {
      case TOKENS.lookupTurnKey:
        return keyOutputs(await client.getTurnKey({ accountId: this.account(args.accountId), keyId: validateId("keyId", args.keyId) }));
      case TOKENS.lookupTurnKeyByName:
        return keyOutputs(await client.findTurnKeyByName({ accountId: this.account(args.accountId), name: validateName(args.name) }));
      case TOKENS.lookupTurnKeys: {
        const accountId = this.account(args.accountId);
        const keys = await client.listTurnKeys({ accountId });
        // The list was read, so the account was known: the argument's, the provider's or the environment's.
        return { accountId: accountId ?? accountIdFromEnv(process.env), keys: listedTurnKeys(keys) };
      }
      default:
        throw new TurnKeyInputError("token", `${PACKAGE} has no function ${token}; it has ${Object.values(TOKENS).slice(0, 3).join(", ")}.`);
    }
  }

  /**
   * Checks a `TurnKeyLookup`'s inputs, with the account filled in from the
   * provider or the environment, so that a change of either shows as a
   * change of the lookup. Unknown values pass: a preview checks them again once known.
   */
  check(news: Readonly<Record<string, unknown>>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const inputs: Record<string, unknown> = {};
    const take = (property: "accountId" | "keyId", value: unknown): void => {
      try {
        inputs[property] = value === UNKNOWN ? value : validateId(property, value);
      } catch (err) {
        failures.push({ property, reason: err instanceof Error ? err.message : String(err) });
      }
    };
    take("accountId", this.account(news.accountId) ?? accountIdFromEnv(process.env));
    take("keyId", news.keyId);
    return { inputs, failures };
  }

  /** The properties whose change replaces the lookup (it reads another key); nothing else changes. */
  diff(olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): string[] {
    return (["accountId", "keyId"] as const).filter((property) => news[property] !== olds[property]);
  }

  /** "Creates" a `TurnKeyLookup`: reads the key. In a preview with unknown inputs, the outputs stay unknown. */
  async create(inputs: Readonly<Record<string, unknown>>): Promise<{ id: string; outputs: Partial<KeyOutputs> }> {
    if (isUnknown(inputs.keyId) || inputs.accountId === UNKNOWN) return { id: "", outputs: {} };
    const key = await this.theClient().getTurnKey({ accountId: this.account(inputs.accountId), keyId: validateId("keyId", inputs.keyId) });
    return { id: resourceId(key), outputs: keyOutputs(key) };
  }

  /**
   * Reads a `TurnKeyLookup` for `pulumi refresh`, `pulumi import` and the
   * SDKs' `get`: the id is `<accountId>/<keyId>` (or a bare key id, with the
   * account from the provider or the environment).
   */
  async read(id: string): Promise<{ id: string; outputs: KeyOutputs; inputs: { accountId: string; keyId: string } }> {
    const [first, second] = id.includes(ID_SEPARATOR) ? id.split(ID_SEPARATOR, 2) : [undefined, id];
    if (second === undefined || (id.includes(ID_SEPARATOR) && id.split(ID_SEPARATOR).length !== 2)) {
      throw new TurnKeyInputError("id", `A TurnKeyLookup's id is <accountId>/<keyId>; got ${JSON.stringify(id)}.`);
    }
    const key = await this.theClient().getTurnKey({
      accountId: first === undefined ? this.account(undefined) : validateId("accountId", first),
      keyId: validateId("keyId", second),
    });
    return { id: resourceId(key), outputs: keyOutputs(key), inputs: { accountId: key.accountId, keyId: key.keyId } };
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    await this.client?.close();
  }
}

function resourceId(key: TurnKey): string {
  return `${key.accountId}${ID_SEPARATOR}${key.keyId}`;
}

function keyOutputs({ accountId, keyId, name, uid, created, modified }: TurnKey): KeyOutputs {
  return { accountId, keyId, name, uid, created, modified };
}
