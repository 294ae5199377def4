// A test stack: one key looked up by name twenty times, and the account's
// list twice, all of one account; a consumer of their fields.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, TurnKeys } from "pulumi-cloudflare-turn-lookup";
import { Consumer } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const name = config.require("keyName");

const lookups = Array.from({ length: 20 }, (_, i) => new TurnKeyLookup(`by-name-${i}`, { accountId, name }));
const all = new TurnKeys("all-keys", { accountId });
new TurnKeys("all-keys-again", { accountId });

const key = lookups[0]!;
const consumer = new Consumer("consumer", { turnKeyUid: key.uid, turnKeyName: key.name, turnKeyId: key.keyId, keys: all.keys });

export const uid = key.uid;
export const keyId = key.keyId;
export const keyName = key.name;
export const modified = key.modified;
export const listed = all.keys;
export const consumerName = consumer.recorded<string>("turnKeyName");
