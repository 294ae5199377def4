import * as pulumi from "@pulumi/pulumi";
import { lookupProvider } from "./dynamicProvider";
import { TURN_KEYS_ID } from "./resourceIds";
import type { ListedTurnKey } from "../core/types";
import { warnAboutConfig } from "./programRun";
import { checkedArgument } from "./inputs";
import { accountIdOr } from "../core/settings";
import { readId } from "./turnKeyLookup";

/** Arguments of {@link TurnKeys}. */
export interface TurnKeysArgs {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID` from the program's environment. */
  accountId?: pulumi.Input<string>;
}

/**
 * Every TURN key of an account, in the API's order: a read like
 * `TurnKeyLookup`, known in `pulumi preview`. Within one `pulumi` run it
 * shares one list request with every by-name `TurnKeyLookup` of the account.
 *
 * @example
 * const all = new TurnKeys("all-turn-keys", { accountId: "023e105f4ecef8ad9ca31a8372d0c353" });
 * export const names = all.keys.apply((keys) => keys.map((k) => k.name));
 */
export class TurnKeys extends pulumi.dynamic.Resource {
  /** The account listed. */
  declare public readonly accountId: pulumi.Output<string>;
  /** The account's keys: `{ name, uid, created, modified }` each, in the API's order. */
  declare public readonly keys: pulumi.Output<ListedTurnKey[]>;

  /**
   * @param name the Pulumi resource name (unique in the stack)
   * @param args which account to list
   * @param opts resource options; `id` is set by the lookup and may not be given
   * @throws TurnKeyInputError if an account id given as a plain string is malformed, or none is given or set
   */
  constructor(name: string, args: TurnKeysArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const accountId = checkedArgument(`TurnKeys ${name}`, "accountId", accountIdOr(args.accountId));
    warnAboutConfig();
    super(lookupProvider, name, { accountId, keys: undefined }, { ...opts, id: readId(`TurnKeys ${name}`, TURN_KEYS_ID, opts) }, "cloudflare", "TurnKeys");
  }
}
