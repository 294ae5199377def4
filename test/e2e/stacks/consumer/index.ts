// A test stack: one key looked up four times, and a consumer of its fields.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");

const key = new TurnKeyLookup("turn-key", { accountId, keyId });
// The same key again: the provider process must send one GET for all of them.
for (let i = 1; i <= 3; i++) new TurnKeyLookup(`turn-key-copy-${i}`, { accountId, keyId });

// Plays the part of a Worker binding or app config: it just keeps its inputs.
const recorder: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "consumer", outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

interface ConsumerArgs {
  turnKeyUid: pulumi.Input<string>;
  turnKeyName: pulumi.Input<string>;
  turnKeyCreated: pulumi.Input<string>;
  turnKeyModified: pulumi.Input<string>;
}

class Consumer extends pulumi.dynamic.Resource {
  declare readonly turnKeyUid: pulumi.Output<string>;
  declare readonly turnKeyName: pulumi.Output<string>;
  constructor(name: string, args: ConsumerArgs) {
    super(recorder, name, args, undefined, "test", "Consumer");
  }
}

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
export const consumerUid = consumer.turnKeyUid;
export const consumerName = consumer.turnKeyName;
