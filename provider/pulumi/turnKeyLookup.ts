import * as pulumi from "@pulumi/pulumi";
import { checkDependsOn, dependencyGate } from "./dependencies";
import { lookupProvider } from "./dynamicProvider";
import { TurnKeyInputError } from "../core/errors";
import { byNameResourceId } from "./resourceIds";
import { asExpectedFailure, checkedArgument, checkedFor } from "./inputs";
import { accountIdOr } from "../core/settings";
import { warnAboutConfig } from "./programRun";

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
    const prefix = `TurnKeyLookup ${name}`;
    const accountId = checkedArgument(prefix, "accountId", accountIdOr(args?.accountId));
    const byName = args.name !== undefined;
    if (byName === (args.keyId !== undefined)) {
      throw asExpectedFailure(
        new TurnKeyInputError(
          byName ? "name" : "keyId",
          `${prefix}: give exactly one of keyId and name (${byName ? "both were given" : "neither was given"}).`,
        ),
      );
    }
    warnAboutConfig();
    const keyId = byName ? undefined : checkedArgument(prefix, "keyId", args.keyId);
    const keyName = byName ? checkedArgument(prefix, "name", args.name) : undefined;
    const id = readId(prefix, byName ? pulumi.output(keyName!).apply(byNameResourceId) : keyId!, opts);
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
  const dependsOn = opts?.dependsOn;
  if (dependsOn === undefined) return id;
  checkedFor(prefix, () => checkDependsOn(dependsOn));
  const gate = dependencyGate(pulumi.output({}), dependsOn, false)!;
  return pulumi.all([id, gate]).apply(([known]) => known);
}
