// A test stack that creates a TURN key with one of its own resources, and
// looks it up with { dependsOn } in both function forms: ours, and the
// compat drop-in's. Nothing else ties the lookups to the resource.
import * as pulumi from "@pulumi/pulumi";
import { lookupTurnKeyOutput } from "pulumi-cloudflare-turn-lookup";
import { getCallsTurnAppOutput } from "pulumi-cloudflare-turn-lookup/compat";
import { Consumer, KeyMaker } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");

const maker = new KeyMaker("key-maker", { adminUrl: config.require("adminUrl"), accountId, uid: keyId, name: config.require("keyName"), delayMs: config.getNumber("delayMs") ?? 0 });

const viaLookup = lookupTurnKeyOutput({ accountId, keyId }, { dependsOn: [maker] });
const viaCompat = getCallsTurnAppOutput({ accountId, keyId }, { dependsOn: maker });

// A consumer of the lookups is ordered after the maker through them alone.
new Consumer("consumer", { name: viaLookup.name });

export const lookupName = viaLookup.name;
export const compatName = viaCompat.name;
