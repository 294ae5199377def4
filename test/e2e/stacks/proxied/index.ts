// A test stack with one function-form lookup (in the program process) and one
// TurnKeyLookup (in the dynamic-provider process) of the same key, so that a
// proxy sees both processes' connections.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, lookupTurnKeyOutput } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");

export const functionName = lookupTurnKeyOutput({ accountId, keyId }).name;
export const resourceName = new TurnKeyLookup("through-proxy", { accountId, keyId }).name;
