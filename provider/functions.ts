/**
 * The function forms of the lookups: they run in the program process while
 * it runs (in `pulumi preview` too), register no resource and keep nothing in
 * state. Named `lookup…` as Pulumi names functions that read one existing
 * object, and to sit beside the plain client's `getTurnKey` without clashing.
 * Every call of one program run shares one client, and only that run's: one
 * request per distinct key, and one list request per account for every
 * by-name and list call.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ListedTurnKey, type TurnKey, listedTurnKeys } from "./types";
import { validateId, validateName } from "./ids";
import { checkDependsOn, dependencyGate } from "./dependencies";
import { checkedFor, forProgram, warnAboutClearCredentials, withProgramClient } from "./programConfig";
import { accountIdFromEnv, wholeNumber } from "./settings";

/** Arguments of {@link lookupTurnKey}. */
export interface LookupTurnKeyArgs {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string;
  /** The TURN key id (32 lowercase hex characters). */
  keyId: string;
}

/** Arguments of {@link lookupTurnKeyOutput}. */
export interface LookupTurnKeyOutputArgs {
  /** The account id. Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: pulumi.Input<string | undefined>;
  /** The TURN key id. */
  keyId: pulumi.Input<string>;
}

/** Arguments of {@link lookupTurnKeyByName}. */
export interface LookupTurnKeyByNameArgs {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string;
  /** The key's exact name (case-sensitive); `""` finds the one key without a name. */
  name: string;
}

/** Arguments of {@link lookupTurnKeyByNameOutput}. */
export interface LookupTurnKeyByNameOutputArgs {
  /** The account id. Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: pulumi.Input<string | undefined>;
  /** The key's exact name. */
  name: pulumi.Input<string>;
}

/** Arguments of {@link lookupTurnKeys}. */
export interface LookupTurnKeysArgs {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string;
}

/** Arguments of {@link lookupTurnKeysOutput}. */
export interface LookupTurnKeysOutputArgs {
  /** The account id. Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: pulumi.Input<string | undefined>;
}

/** What {@link lookupTurnKeys} returns: the account and its keys, in the API's order. */
export interface LookupTurnKeysResult {
  readonly accountId: string;
  readonly keys: ListedTurnKey[];
}

/**
 * Runs one lookup of the program run: warns once about a credential stored
 * in clear, and lets expected failures print as their message alone.
 * `_opts` is accepted as Pulumi's functions accept it; nothing here needs a
 * provider or a parent.
 */
async function run<T>(fn: string, lookup: () => Promise<T>, _opts: pulumi.InvokeOptions | undefined): Promise<T> {
  warnAboutClearCredentials();
  try {
    return await lookup();
  } catch (err) {
    throw forProgram(fn, err);
  }
}

/** The checks of arguments given as plain values, by argument name. */
const PLAIN_ARG_CHECKS: Readonly<Record<string, (value: unknown) => unknown>> = {
  accountId: (v) => validateId("accountId", v),
  keyId: (v) => validateId("keyId", v),
  name: validateName,
  maxItems: (v) => wholeNumber("maxItems", v as number, 1),
};

/**
 * The Output form of a lookup, with the semantics of `@pulumi/pulumi`'s own
 * invokes: it waits for its arguments and for every dependency (the
 * resources `opts.dependsOn` names, their component children, and the
 * resources the arguments come from) to exist. In a preview, while an
 * argument is unknown or a dependency is still to be created or replaced,
 * the result is unknown and no request is sent; in `pulumi up`, the lookup
 * runs once they are created, and what uses its result is ordered after them.
 * A secret argument makes the whole result secret.
 *
 * Arguments given as plain values are checked at the call, as a resource's
 * are, so a malformed id stops the program there with its message alone.
 * Internal: the compat module builds its Output forms with it too.
 */
export function outputOf<A, T>(fn: string, args: object, opts: pulumi.InvokeOutputOptions | undefined, promiseForm: (plain: A) => Promise<T>): pulumi.Output<T> {
  let eventual = false;
  for (const [field, value] of Object.entries(args)) {
    const pending = pulumi.Output.isInstance(value) || value instanceof Promise;
    eventual ||= pending;
    const check = PLAIN_ARG_CHECKS[field];
    if (check && value !== undefined && !pending) checkedFor(fn, () => check(value));
  }
  checkedFor(fn, () => checkDependsOn(opts?.dependsOn));
  const plain: pulumi.Output<unknown> = pulumi.output(args);
  const gate = dependencyGate(plain, opts?.dependsOn, eventual);
  const ready = gate ? pulumi.all([plain, gate]).apply(([value]) => value) : plain;
  return ready.apply((value) => promiseForm(value as A)) as pulumi.Output<T>;
}

/** Looks up one TURN key by id, in the program process: nothing lands in state. */
export function lookupTurnKey(args: LookupTurnKeyArgs, opts?: pulumi.InvokeOptions): Promise<TurnKey> {
  return run("lookupTurnKey", () => withProgramClient((client) => client.getTurnKey({ accountId: args.accountId, keyId: args.keyId })), opts);
}

/** {@link lookupTurnKey} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeyOutput(args: LookupTurnKeyOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<TurnKey> {
  return outputOf<LookupTurnKeyArgs, TurnKey>("lookupTurnKeyOutput", args, opts, (plain) => lookupTurnKey(plain, opts));
}

/** Looks up the one TURN key with this exact name, in the program process: nothing lands in state. */
export function lookupTurnKeyByName(args: LookupTurnKeyByNameArgs, opts?: pulumi.InvokeOptions): Promise<TurnKey> {
  return run("lookupTurnKeyByName", () => withProgramClient((client) => client.findTurnKeyByName({ accountId: args.accountId, name: args.name })), opts);
}

/** {@link lookupTurnKeyByName} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeyByNameOutput(args: LookupTurnKeyByNameOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<TurnKey> {
  return outputOf<LookupTurnKeyByNameArgs, TurnKey>("lookupTurnKeyByNameOutput", args, opts, (plain) => lookupTurnKeyByName(plain, opts));
}

/** Lists every TURN key of the account, in the program process: nothing lands in state. */
export function lookupTurnKeys(args: LookupTurnKeysArgs = {}, opts?: pulumi.InvokeOptions): Promise<LookupTurnKeysResult> {
  return run("lookupTurnKeys", async () => {
    const accountId = args.accountId ?? accountIdFromEnv(process.env);
    const keys = await withProgramClient((client) => client.listTurnKeys({ accountId }));
    return { accountId: accountId!, keys: listedTurnKeys(keys) };
  }, opts);
}

/** {@link lookupTurnKeys} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeysOutput(args: LookupTurnKeysOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<LookupTurnKeysResult> {
  return outputOf<LookupTurnKeysArgs, LookupTurnKeysResult>("lookupTurnKeysOutput", args, opts, (plain) => lookupTurnKeys(plain, opts));
}
