// A test stack whose lookups all need one request: two lookups by name and
// the account's list, which share one list request in the provider process.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, TurnKeys } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");

export const first = new TurnKeyLookup("first-by-name", { accountId, name: config.require("keyName") }).uid;
export const second = new TurnKeyLookup("second-by-name", { accountId, name: "another-name" }).uid;
export const listed = new TurnKeys("all-keys", { accountId }).keys;
