/**
 * The dynamic provider's implementation, loaded inside the provider process
 * by the small serialized objects in `dynamicProvider.ts`
 * (`pulumi-cloudflare-turn-lookup/internal/provider-host`). A thin adapter:
 * it turns the engine's calls into calls of one {@link TurnKeyClient}, built
 * from the stack's configuration in `configure`, so credentials never become
 * resource inputs and never reach the state.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { createTurnKeyClient } from "../client";
import type { LookupTurnKeysResult } from "./functions";
import { type TurnKey, type TurnKeyClient, listedTurnKeys } from "../core/types";
import { TurnKeyInputError, TurnKeyLookupError } from "../core/errors";
import { engineDebugLogger } from "./engineLog";
import { TURN_KEYS_ID, nameOfResourceId } from "./resourceIds";
import { providerConfigKeys } from "./sdkInternals";
import { PROGRAM_NAMES, type RequestLimits, connectionFromConfig, limitsFromConfig } from "../core/settings";
import { type ConfigKeyHints, configKeyHints, withConfigHints } from "../core/configHints";

/** Inputs of a `TurnKeyLookup` as the engine passes them: the account, and the key's id or its name. */
export interface TurnKeyLookupInputs {
  accountId?: string;
  keyId?: string;
  name?: string;
}

/** Outputs of a `TurnKeyLookup`: the key's fields and the ids it was looked up by. */
export type TurnKeyLookupOutputs = TurnKey;

/** Inputs of a `TurnKeys` list lookup. */
export interface TurnKeysInputs {
  accountId?: string;
}

/**
 * What one provider process serves: the client built from the stack config.
 * Every lookup of the process shares it, so a preview that reads a key 50
 * times, or looks 20 names up in one account, sends one request.
 */
export class ProviderHost {
  private client: TurnKeyClient | undefined;
  private configured = "";
  /** Why the stack config could not configure a client: every read fails with it, once each, as a read's own error. */
  private misconfigured: Error | undefined;
  private hints: ConfigKeyHints = { nearMisses: [], unknown: [] };
  private readonly quiet = new QuietErrors();

  /**
   * Builds the client from the stack's configuration (credentials, base URL,
   * request limits). A bad setting does not fail here: the SDK would print
   * it with its stack trace, and then serve reads with an unconfigured
   * provider. Each read reports it instead.
   */
  async configure(req: dynamic.ConfigureRequest): Promise<void> {
    const get = (key: string): string | undefined => {
      const v: unknown = req.config.get(key);
      return typeof v === "string" ? v : undefined;
    };
    this.hints = configKeyHints(providerConfigKeys(req.config), PROGRAM_NAMES);
    let client: TurnKeyClient;
    let fingerprint: string;
    try {
      const limits = limitsFromConfig(get);
      const settings = connectionFromConfig(get);
      // The engine configures each distinct serialized provider text (two
      // package copies make two): the same configuration keeps the one client and its cache.
      fingerprint = JSON.stringify([settings, limits]);
      this.misconfigured = undefined;
      if (this.client && fingerprint === this.configured) return;
      client = createTurnKeyClient({ ...settings, limits, cache: true, logger: engineDebugLogger(), names: PROGRAM_NAMES });
    } catch (err) {
      this.misconfigured = err instanceof Error ? err : new Error(String(err));
      return;
    }
    await this.client?.close();
    this.client = client;
    this.configured = fingerprint;
  }

  /** The request limits in force. */
  get limits(): Readonly<RequestLimits> {
    return this.theClient().limits;
  }

  /** The client, built from the environment alone if the engine never called `configure`. */
  private theClient(): TurnKeyClient {
    if (this.misconfigured !== undefined) throw this.misconfigured;
    return (this.client ??= createTurnKeyClient({ cache: true, logger: engineDebugLogger(), names: PROGRAM_NAMES }));
  }

  /**
   * One call of the serialized provider, which forwards every method here
   * with its arguments: `configure(req)`, `read(id, props)` (a list's read
   * under the id `turn_keys`, a key's under its id or `name:<name>`), or
   * `create(inputs)`.
   */
  serve(args: readonly unknown[]): Promise<unknown> {
    const [first, second] = args;
    if (args.length >= 2) {
      const id = String(first);
      return id === TURN_KEYS_ID ? this.readKeys(id, second as TurnKeysInputs) : this.readKey(id, second as TurnKeyLookupInputs);
    }
    if (isConfigureRequest(first)) return this.configure(first);
    return this.refuseCreate();
  }

  /** Reads one key, by id or by name; the engine calls this in preview, update and refresh. */
  readKey(id: string, props: TurnKeyLookupInputs): Promise<dynamic.ReadResult<Partial<TurnKeyLookupOutputs>>> {
    return this.quiet.run(() => this.readOneKey(id, props), this.hints);
  }

  /** Reads an account's whole list. */
  readKeys(id: string, props: TurnKeysInputs): Promise<dynamic.ReadResult<Partial<LookupTurnKeysResult>>> {
    return this.quiet.run(() => this.readKeyList(id, props), this.hints);
  }

  private async readOneKey(id: string, props: TurnKeyLookupInputs): Promise<dynamic.ReadResult<Partial<TurnKeyLookupOutputs>>> {
    // Dispatched on the id, not on `props.name`: a refresh passes the last outputs, which hold a name for every lookup.
    const name = nameOfResourceId(id);
    if (name !== undefined) {
      if (isUnknown(props.accountId)) return { id, props: { name } };
      const key = await this.theClient().findTurnKeyByName({ accountId: props.accountId, name });
      return { id, props: { ...key } };
    }
    const keyId = props.keyId ?? id;
    if (keyId !== id) {
      throw new TurnKeyInputError("keyId", `keyId ${JSON.stringify(keyId)} does not match the resource id ${JSON.stringify(id)}.`);
    }
    // In a preview, an account id that another resource has yet to produce is
    // unknown, and arrives missing. The key cannot be read yet. The engine
    // refuses unknown values in a read's result, but the SDK treats outputs
    // left out of it as unknown in a preview, so only the key id is returned;
    // `pulumi up` reads the key.
    if (isUnknown(props.accountId)) return { id, props: { keyId } };
    const key = await this.theClient().getTurnKey({ accountId: props.accountId, keyId });
    return { id: key.keyId, props: { ...key } };
  }

  private async readKeyList(id: string, props: TurnKeysInputs): Promise<dynamic.ReadResult<Partial<LookupTurnKeysResult>>> {
    if (isUnknown(props.accountId)) return { id, props: {} };
    const keys = await this.theClient().listTurnKeys({ accountId: props.accountId });
    return { id, props: { accountId: props.accountId, keys: listedTurnKeys(keys) } };
  }

  /** A lookup never creates a key; this is reached only if the engine is asked to create one (e.g. by `import`). */
  refuseCreate(): Promise<dynamic.CreateResult> {
    return Promise.reject(
      new TurnKeyInputError(
        "keyId",
        "TurnKeyLookup only reads an existing TURN key and never creates one; construct it with new TurnKeyLookup(...), " +
          "which registers it as a read of the key id (pulumi import is not supported for dynamic providers).",
      ),
    );
  }
}

/**
 * Keeps an expected failure to one line in the CLI. The SDK's provider server
 * prints every error a read throws to stderr as `${err}: ${err.stack}` before
 * it returns the error to the engine; the engine shows that text on the
 * stack's row (message twice, then the stack trace) beside the resource's own
 * error. For our errors (a missing key, a refused token: not bugs) that copy
 * is dropped: exactly that line, once for each read that threw it, so that
 * lookups failing from one shared cause (one refused list request) each
 * drop theirs. Anything else still prints in full.
 */
class QuietErrors {
  private readonly pending = new Map<string, number>();
  private installed = false;

  /** Runs `read`; an error of ours is thrown with the near misses of its config keys named, and not printed by the SDK. */
  async run<T>(read: () => Promise<T>, hints: ConfigKeyHints): Promise<T> {
    try {
      return await read();
    } catch (caught) {
      const err = withConfigHints(caught, hints, PROGRAM_NAMES);
      if (TurnKeyLookupError.isInstance(err)) this.expect(`${err}: ${err.stack}`);
      throw err;
    }
  }

  private expect(line: string): void {
    this.pending.set(line, (this.pending.get(line) ?? 0) + 1);
    if (this.installed) return;
    this.installed = true;
    const print = console.error.bind(console);
    console.error = (...args: unknown[]) => {
      const line = args.length === 1 && typeof args[0] === "string" ? args[0] : undefined;
      const left = line === undefined ? undefined : this.pending.get(line);
      if (left === undefined) return print(...args);
      if (left > 1) this.pending.set(line!, left - 1);
      else this.pending.delete(line!);
    };
  }
}

/** Whether a call's one argument is `configure`'s request (its `config` has `get`), not `create`'s inputs. */
function isConfigureRequest(value: unknown): value is dynamic.ConfigureRequest {
  const config = typeof value === "object" && value !== null ? (value as { config?: { get?: unknown } }).config : undefined;
  return typeof config?.get === "function";
}

/** `true` for an input the engine has not resolved yet: missing, or the unknown marker. */
function isUnknown(value: string | undefined): value is undefined {
  return value === undefined || value === unknownValue;
}

/**
 * Process-wide on purpose: this module runs only inside a dynamic-provider
 * process, which the engine starts for one operation of one stack and
 * configures from that stack alone; it never runs in a program process,
 * where many runs may share one process.
 */
let processHost: ProviderHost | undefined;

/** The host of this provider process: the engine starts one process per operation, and every lookup in it shares this. */
export function providerHost(): ProviderHost {
  return (processHost ??= new ProviderHost());
}
