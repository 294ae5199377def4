import * as pulumi from "@pulumi/pulumi";
import { checkDependsOn, dependencyGate } from "./dependencies";
import { lookupProvider } from "./dynamicProvider";
import { TurnKeyInputError } from "../core/errors";
import { type IdField, byNameResourceId, validateId, validateName } from "../core/ids";
import { asExpectedFailure, checkedFor, warnAboutConfig } from "./programConfig";
import { accountIdFromEnv, settingLabel } from "../core/settings";

/** Arguments of {@link TurnKeyLookup}: the account, and exactly one of `keyId` and `name`. */
export type TurnKeyLookupArgs = {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID` from the program's environment. */
  accountId?: pulumi.Input<string>;
} & (
  | {
      /** The id of the existing TURN key to look up (32 lowercase hex characters). */
      keyId: pulumi.Input<string>;
      name?: undefined;
    }
  | {
      /** The exact name (case-sensitive) of the one key to look up; `""` finds the one key without a name. */
      name: pulumi.Input<string>;
      keyId?: undefined;
    }
);

/**
 * An existing Cloudflare Calls (Realtime) TURN key, looked up by id or by name.
 *
 * Data-style: it is registered as a read of the key, so the engine reads it
 * in `pulumi preview`, `pulumi up` and `pulumi refresh`, and never creates,
 * updates or deletes anything in Cloudflare; `pulumi destroy` only forgets it.
 * Credentials come from the stack config (`cloudflare:apiToken`, secret) or
 * the environment (`CLOUDFLARE_API_TOKEN`), never from resource inputs.
 *
 * A lookup by name is registered under the id `name:<name>` and resolved in
 * the provider process from the account's list, which every by-name lookup
 * and `TurnKeys` of the account shares. It follows the name: after the key
 * is renamed, the next read fails with `TurnKeyNotFoundError`.
 *
 * @example
 * const byId = new TurnKeyLookup("turn", { accountId: "023e105f4ecef8ad9ca31a8372d0c353", keyId: "2a95132c15732412d22c1476fa83f27a" });
 * const byName = new TurnKeyLookup("turn-by-name", { accountId: "023e105f4ecef8ad9ca31a8372d0c353", name: "production-realtime-app" });
 * export const turnKeyUid = byName.uid;
 */
export class TurnKeyLookup extends pulumi.dynamic.Resource {
  /** The account the key belongs to. */
  declare public readonly accountId: pulumi.Output<string>;
  /** The key's id. */
  declare public readonly keyId: pulumi.Output<string>;
  /** The key's short description. */
  declare public readonly name: pulumi.Output<string>;
  /** Cloudflare's unique identifier of the key. */
  declare public readonly uid: pulumi.Output<string>;
  /** When the key was created (RFC 3339; `""` if Cloudflare did not say). */
  declare public readonly created: pulumi.Output<string>;
  /** When the key was last modified (RFC 3339; `""` if Cloudflare did not say). */
  declare public readonly modified: pulumi.Output<string>;

  /**
   * @param name the Pulumi resource name (unique in the stack)
   * @param args which key to look up: `accountId`, and `keyId` or `name`
   * @param opts resource options; `id` is set by the lookup and may not be given
   * @throws TurnKeyInputError if both or neither of `keyId` and `name` are given, an id given as a plain string is malformed, or no account id is given or set
   */
  constructor(name: string, args: TurnKeyLookupArgs, opts?: pulumi.CustomResourceOptions) {
    const accountId = checkedAccountId("TurnKeyLookup", name, args?.accountId);
    const byName = args.name !== undefined;
    if (byName === (args.keyId !== undefined)) {
      throw inputError(
        byName ? "name" : "keyId",
        `TurnKeyLookup ${name}: give exactly one of keyId and name (${byName ? "both were given" : "neither was given"}).`,
      );
    }
    warnAboutConfig();
    const keyId = byName ? undefined : checkedId(name, "keyId", args.keyId);
    const keyName = byName ? checkedName(name, args.name) : undefined;
    const id = readId(`TurnKeyLookup ${name}`, byName ? pulumi.output(keyName!).apply(byNameResourceId) : keyId!, opts);
    const props = { accountId, keyId, name: keyName, uid: undefined, created: undefined, modified: undefined };
    super(lookupProvider, name, props, { ...opts, id }, "cloudflare", "TurnKeyLookup");
  }
}

/**
 * The id a lookup resource is read under, known only once every resource of
 * `opts.dependsOn` exists. The engine reads a resource in preview too, but
 * not while its id is unknown: so a lookup whose `dependsOn` names a
 * resource still to be created shows unknown values in preview, and in
 * `pulumi up` is read after that resource, as the function forms are.
 */
export function readId(prefix: string, id: pulumi.Input<string>, opts: pulumi.CustomResourceOptions | undefined): pulumi.Input<string> {
  checkedFor(prefix, () => checkDependsOn(opts?.dependsOn));
  const gate = dependencyGate(pulumi.output({}), opts?.dependsOn, false);
  return gate ? pulumi.all([id, gate]).apply(([known]) => known) : id;
}

/** Validates a resource's `accountId`, defaulting to `CLOUDFLARE_ACCOUNT_ID`, naming the resource in the error. */
export function checkedAccountId(type: string, resource: string, value: pulumi.Input<string> | undefined): pulumi.Input<string> {
  const accountId = value ?? accountIdFromEnv(process.env);
  if (accountId === undefined || accountId === "") {
    throw inputError("accountId", `${type} ${resource}: accountId is missing; pass it, or set ${settingLabel("accountId")}.`);
  }
  return checkedId(resource, "accountId", accountId, type);
}

/**
 * Validates an id input of the resource `resource`, naming it in the error.
 * A plain string is checked at once (the constructor throws); an output is
 * checked once known, since an apply never runs on a value unknown in
 * preview. Exported for tests.
 * @throws TurnKeyInputError for a malformed plain string
 */
export function checkedId(resource: string, field: IdField, value: pulumi.Input<string> | undefined, type = "TurnKeyLookup"): pulumi.Input<string> {
  return checkedInput(value, (v) => validIdOf(resource, field, v, type));
}

function checkedName(resource: string, value: pulumi.Input<string>): pulumi.Input<string> {
  return checkedInput(value, (v) => checkedFor(`TurnKeyLookup ${resource}`, () => validateName(v)));
}

/** Checks a plain value now (anything not an Output or a Promise, so a number given by mistake fails at once), an eventual one once known. */
function checkedInput(value: pulumi.Input<string> | undefined, check: (v: string | undefined) => string): pulumi.Input<string> {
  const eventual = pulumi.Output.isInstance(value) || value instanceof Promise;
  return eventual ? pulumi.output(value).apply(check) : check(value);
}

/** `value` if it is a well-formed id, else a {@link TurnKeyInputError} naming the resource. Exported for tests. */
export function validIdOf(resource: string, field: IdField, value: string | undefined, type = "TurnKeyLookup"): string {
  return checkedFor(`${type} ${resource}`, () => validateId(field, value));
}

/** An input error the program runner shows as its message alone (see {@link asExpectedFailure}). */
function inputError(field: string, message: string): TurnKeyInputError {
  return asExpectedFailure(new TurnKeyInputError(field, message));
}
