// A test stack that creates a TURN key with one of its own resources, and
// looks it up with { dependsOn } in every form: the function form, the
// compat drop-in's, a TurnKeyLookup by name and a TurnKeys list. Nothing
// else ties the lookups to the resource.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, TurnKeys, lookupTurnKeyOutput } from "pulumi-cloudflare-turn-lookup";
import { getCallsTurnAppOutput } from "pulumi-cloudflare-turn-lookup/compat";
import { Consumer, KeyMaker } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");
const keyName = config.require("keyName");

const maker = new KeyMaker("key-maker", {
  adminUrl: config.require("adminUrl"),
  accountId,
  uid: keyId,
  name: keyName,
  delayMs: config.getNumber("delayMs") ?? 0,
});

const viaLookup = lookupTurnKeyOutput({ accountId, keyId }, { dependsOn: [maker] });
const viaCompat = getCallsTurnAppOutput({ accountId, keyId }, { dependsOn: maker });
const viaResource = new TurnKeyLookup("by-name", { accountId, name: keyName }, { dependsOn: maker });
const listed = new TurnKeys("all-keys", { accountId }, { dependsOn: [maker] });

// Consumers of the lookups are ordered after the maker through them alone.
new Consumer("consumer", { name: viaLookup.name });
new Consumer("resource-consumer", { name: viaResource.name, uid: viaResource.uid });

export const lookupName = viaLookup.name;
export const compatName = viaCompat.name;
export const resourceName = viaResource.name;
export const listedNames = listed.keys.apply((keys) => keys.map((k) => k.name));
