/**
 * A drop-in for `@pulumi/cloudflare`'s `getCallsTurnApp(s)`:
 * `pulumi-cloudflare-turn-lookup/compat`. The argument and result types are
 * those of `@pulumi/cloudflare` 6.22.1, so a program changes only its import
 * line. The lookups run in the program process, like the function forms,
 * with no plugin and nothing in state.
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import { lookupTurnKey, lookupTurnKeys, outputOf } from "./pulumi/functions";
import { checkedFor } from "./pulumi/inputs";
import { wholeNumber } from "./core/settings";

/** Arguments of {@link getCallsTurnApp}, as `@pulumi/cloudflare` declares them. */
export interface GetCallsTurnAppArgs {
  /** The account identifier tag. */
  accountId: string;
  /** A Cloudflare-generated unique identifier for an item. */
  keyId: string;
}

/** Result of {@link getCallsTurnApp}, as `@pulumi/cloudflare` declares it. */
export interface GetCallsTurnAppResult {
  /** The account identifier tag. */
  readonly accountId: string;
  /** The date and time the item was created. */
  readonly created: string;
  /** A Cloudflare-generated unique identifier for an item. */
  readonly keyId: string;
  /** The date and time the item was last modified. */
  readonly modified: string;
  /** A short description of a TURN key, not shown to end users. */
  readonly name: string;
  /** A Cloudflare-generated unique identifier for an item. */
  readonly uid: string;
}

/** Arguments of {@link getCallsTurnAppOutput}. */
export interface GetCallsTurnAppOutputArgs {
  /** The account identifier tag. */
  accountId: pulumi.Input<string>;
  /** A Cloudflare-generated unique identifier for an item. */
  keyId: pulumi.Input<string>;
}

/** Arguments of {@link getCallsTurnApps}, as `@pulumi/cloudflare` declares them. */
export interface GetCallsTurnAppsArgs {
  /** The account identifier tag. Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: string;
  /** Max items to fetch, default: 1000. */
  maxItems?: number;
}

/** One key of {@link GetCallsTurnAppsResult}. */
export interface GetCallsTurnAppsResultItem {
  /** The date and time the item was created. */
  created: string;
  /** The date and time the item was last modified. */
  modified: string;
  /** A short description of a TURN key, not shown to end users. */
  name: string;
  /** A Cloudflare-generated unique identifier for an item. */
  uid: string;
}

/** Result of {@link getCallsTurnApps}, as `@pulumi/cloudflare` declares it. */
export interface GetCallsTurnAppsResult {
  /** The account identifier tag, as given. */
  readonly accountId?: string;
  /** Max items to fetch, as given. */
  readonly maxItems?: number;
  /** The account's keys, in the API's order, at most `maxItems` of them. */
  readonly results: GetCallsTurnAppsResultItem[];
}

/** Arguments of {@link getCallsTurnAppsOutput}. */
export interface GetCallsTurnAppsOutputArgs {
  /** The account identifier tag. Defaults to `CLOUDFLARE_ACCOUNT_ID`. */
  accountId?: pulumi.Input<string | undefined>;
  /** Max items to fetch, default: 1000. */
  maxItems?: pulumi.Input<number | undefined>;
}

/** What `max_items` defaults to in the Terraform data source the bridged provider wraps. */
const DEFAULT_MAX_ITEMS = 1000;

/** `getCallsTurnApp` of `@pulumi/cloudflare`: one TURN key by id. */
export async function getCallsTurnApp(args: GetCallsTurnAppArgs, opts?: pulumi.InvokeOptions): Promise<GetCallsTurnAppResult> {
  const { accountId, keyId, name, uid, created, modified } = await lookupTurnKey({ accountId: args.accountId, keyId: args.keyId }, opts);
  return { accountId, created, keyId, modified, name, uid };
}

/** `getCallsTurnAppOutput` of `@pulumi/cloudflare`: {@link getCallsTurnApp} with Inputs, as an Output. */
export function getCallsTurnAppOutput(args: GetCallsTurnAppOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetCallsTurnAppResult> {
  return outputOf("getCallsTurnAppOutput", args, opts, (plain: GetCallsTurnAppArgs) => getCallsTurnApp(plain, opts));
}

/**
 * `getCallsTurnApps` of `@pulumi/cloudflare`: the account's keys. `maxItems`
 * keeps the first that many (default 1,000, as the Terraform data source);
 * `accountId` falls back to `CLOUDFLARE_ACCOUNT_ID`.
 */
export async function getCallsTurnApps(args: GetCallsTurnAppsArgs = {}, opts?: pulumi.InvokeOptions): Promise<GetCallsTurnAppsResult> {
  const maxItems = checkedFor("getCallsTurnApps", () => wholeNumber("maxItems", args.maxItems, DEFAULT_MAX_ITEMS));
  const { keys } = await lookupTurnKeys({ accountId: args.accountId }, opts);
  return { accountId: args.accountId, maxItems: args.maxItems, results: keys.slice(0, maxItems) };
}

/** `getCallsTurnAppsOutput` of `@pulumi/cloudflare`: {@link getCallsTurnApps} with Inputs, as an Output. */
export function getCallsTurnAppsOutput(args: GetCallsTurnAppsOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetCallsTurnAppsResult> {
  return outputOf("getCallsTurnAppsOutput", args, opts, (plain: GetCallsTurnAppsArgs) => getCallsTurnApps(plain, opts));
}
