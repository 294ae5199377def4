// A test stack with one lookup, in the form the config names: "resource"
// (by id), "byName" (TurnKeyLookup by name) or "function" (lookupTurnKeyOutput).
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, lookupTurnKeyOutput } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const form = config.get("form") ?? "resource";

function lookupName(): pulumi.Output<string> {
  if (form === "function") return lookupTurnKeyOutput({ accountId, keyId: config.require("keyId") }).name;
  if (form === "byName") return new TurnKeyLookup("turn-key", { accountId, name: config.require("keyName") }).name;
  return new TurnKeyLookup("turn-key", { accountId, keyId: config.require("keyId") }).name;
}

export const name = lookupName();
