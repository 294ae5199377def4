// A test stack of function-form lookups: nothing of them is registered, and a
// consumer shows what they give in preview. One TurnKeyLookup of the same key
// gives the resource form's values to compare with.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, lookupTurnKey, lookupTurnKeyByNameOutput, lookupTurnKeyOutput, lookupTurnKeysOutput } from "pulumi-cloudflare-turn-lookup";
import { AccountSource, Consumer } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");
const keyName = config.require("keyName");

const byId = lookupTurnKeyOutput({ accountId, keyId });
const byName = lookupTurnKeyByNameOutput({ accountId, name: keyName });
const list = lookupTurnKeysOutput({ accountId });
const promised = lookupTurnKey({ accountId, keyId });
const resource = config.getBoolean("withResource") ? new TurnKeyLookup("resource-form", { accountId, keyId }) : undefined;

new Consumer("consumer", {
  uid: byId.uid,
  name: byId.name,
  byNameUid: byName.uid,
  listed: list.keys.apply((keys) => keys.map((k) => k.uid)),
  promisedModified: promised.then((k) => k.modified),
});

// An account id that another resource has yet to produce: unknown in the first preview.
const account = new AccountSource("account", accountId);
export const late = lookupTurnKeyOutput({ accountId: account.accountId, keyId }).name;
export const functionForm = byId;
export const resourceForm = resource
  ? pulumi
      .all([resource.accountId, resource.keyId, resource.name, resource.uid, resource.created, resource.modified])
      .apply(([a, k, n, u, c, m]) => ({ accountId: a, keyId: k, name: n, uid: u, created: c, modified: m }))
  : undefined;
