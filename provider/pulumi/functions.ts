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
import { type ListedTurnKey, type TurnKey, type TurnKeyClient, listedTurnKeys } from "../core/types";
import { dependencyGate } from "./dependencies";
import { type KnownArguments, checkCall, forProgram } from "./inputs";
import { accountIdOr } from "../core/settings";
import { withProgramClient } from "./programRun";

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

/** What {@link lookupTurnKeys} returns, and what a `TurnKeys` resource outputs: the account and its keys, in the API's order. */
export interface LookupTurnKeysResult {
  readonly accountId: string;
  readonly keys: ListedTurnKey[];
}

/**
 * Runs one lookup of the program run, and lets expected failures print as
 * their message alone. `_opts` is accepted as Pulumi's functions accept it;
 * nothing here needs a provider or a parent.
 */
async function run<T>(fn: string, lookup: () => Promise<T>, _opts: pulumi.InvokeOptions | undefined): Promise<T> {
  try {
    return await lookup();
  } catch (err) {
    throw forProgram(fn, err);
  }
}

/**
 * The Output form of a lookup, with the semantics of `@pulumi/pulumi`'s own
 * invokes: it waits for its arguments and for every dependency (the
 * resources `opts.dependsOn` names, their component children, and the
 * resources the arguments come from) to exist. In a preview, while an
 * argument is unknown or a dependency is still to be created or replaced,
 * the result is unknown and no request is sent; in `pulumi up`, the lookup
 * runs once they are created, and what uses its result is ordered after them.
 * A secret argument makes the whole result secret. What can be checked at
 * the call is (see {@link checkCall}).
 * Internal: the compat module builds its Output forms with it too.
 */
export function outputOf<A extends KnownArguments<A>, T>(
  fn: string,
  args: { [K in keyof A]: pulumi.Input<A[K]> },
  opts: pulumi.InvokeOutputOptions | undefined,
  promiseForm: (plain: A) => Promise<T>,
): pulumi.Output<T> {
  const eventual = checkCall<A>(fn, args, opts?.dependsOn);
  const plain: pulumi.Output<unknown> = pulumi.output(args);
  const gate = dependencyGate(plain, opts?.dependsOn, eventual);
  const ready = gate ? pulumi.all([plain, gate]).apply(([value]) => value) : plain;
  return ready.apply<T>((value) => promiseForm(value as A));
}

/** A Promise form's lookup: checked at the call (see {@link checkCall}), then run. */
function promiseOf<A extends KnownArguments<A>, T>(
  fn: string,
  args: A,
  opts: pulumi.InvokeOptions | undefined,
  lookup: (client: TurnKeyClient) => Promise<T>,
): Promise<T> {
  checkCall<A>(fn, args, undefined);
  return run(fn, () => withProgramClient(lookup), opts);
}

/**
 * Looks up one TURN key by id, in the program process: nothing lands in
 * state. A malformed argument or setting throws at the call.
 */
export function lookupTurnKey(args: LookupTurnKeyArgs, opts?: pulumi.InvokeOptions): Promise<TurnKey> {
  return promiseOf("lookupTurnKey", args, opts, (client) => client.getTurnKey({ accountId: args.accountId, keyId: args.keyId }));
}

/** {@link lookupTurnKey} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeyOutput(args: LookupTurnKeyOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<TurnKey> {
  return outputOf<LookupTurnKeyArgs, TurnKey>("lookupTurnKeyOutput", args, opts, (plain) => lookupTurnKey(plain, opts));
}

/**
 * Looks up the one TURN key with this exact name, in the program process:
 * nothing lands in state. A malformed argument or setting throws at the call.
 */
export function lookupTurnKeyByName(args: LookupTurnKeyByNameArgs, opts?: pulumi.InvokeOptions): Promise<TurnKey> {
  return promiseOf("lookupTurnKeyByName", args, opts, (client) => client.findTurnKeyByName({ accountId: args.accountId, name: args.name }));
}

/** {@link lookupTurnKeyByName} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeyByNameOutput(args: LookupTurnKeyByNameOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<TurnKey> {
  return outputOf<LookupTurnKeyByNameArgs, TurnKey>("lookupTurnKeyByNameOutput", args, opts, (plain) => lookupTurnKeyByName(plain, opts));
}

/**
 * Lists every TURN key of the account, in the program process: nothing
 * lands in state. A malformed argument or setting throws at the call.
 */
export function lookupTurnKeys(args: LookupTurnKeysArgs = {}, opts?: pulumi.InvokeOptions): Promise<LookupTurnKeysResult> {
  const accountId = accountIdOr(args.accountId);
  return promiseOf("lookupTurnKeys", { accountId }, opts, async (client) => ({
    accountId: accountId!,
    keys: listedTurnKeys(await client.listTurnKeys({ accountId })),
  }));
}

/** {@link lookupTurnKeys} with Inputs, as an Output: unknown while an argument is unknown. */
export function lookupTurnKeysOutput(args: LookupTurnKeysOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<LookupTurnKeysResult> {
  return outputOf<LookupTurnKeysArgs, LookupTurnKeysResult>("lookupTurnKeysOutput", args, opts, (plain) => lookupTurnKeys(plain, opts));
}
