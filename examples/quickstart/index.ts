// Quickstart: look up an existing Cloudflare Calls TURN key by id and export its fields.
//
//   pulumi config set keyId 2a95132c15732412d22c1476fa83f27a
//   pulumi config set accountId 023e105f4ecef8ad9ca31a8372d0c353   # or CLOUDFLARE_ACCOUNT_ID
//   pulumi config set --secret cloudflare:apiToken <token with "Calls Read">
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();

const turnKey = new TurnKeyLookup("turn-key", {
  accountId: config.get("accountId"),
  keyId: config.require("keyId"),
});

export const name = turnKey.name;
export const uid = turnKey.uid;
export const created = turnKey.created;
export const modified = turnKey.modified;
