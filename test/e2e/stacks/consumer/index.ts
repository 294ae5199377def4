// A test stack: one key looked up four times, and a consumer of its fields.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";
import { Consumer } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");

const key = new TurnKeyLookup("turn-key", { accountId, keyId });
// The same key again: the provider process must send one GET for all of them.
for (let i = 1; i <= 3; i++) new TurnKeyLookup(`turn-key-copy-${i}`, { accountId, keyId });

const consumer = new Consumer("consumer", {
  turnKeyUid: key.uid,
  turnKeyName: key.name,
  turnKeyCreated: key.created,
  turnKeyModified: key.modified,
});

export const name = key.name;
export const uid = key.uid;
export const created = key.created;
export const modified = key.modified;
export const consumerUid = consumer.recorded<string>("turnKeyUid");
export const consumerName = consumer.recorded<string>("turnKeyName");
