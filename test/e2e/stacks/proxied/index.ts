// A test stack with one function-form lookup (in the program process) and one
// TurnKeyLookup (in the dynamic-provider process) of the same key, so that a
// proxy sees both processes' connections. Config `only` keeps one of them
// ("function" or "resource"), for failures: the engine ends a preview at the
// first error, so two failing forms in one run race to be reported.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup, lookupTurnKeyOutput } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");
const only = config.get("only");

export const functionName = only === "resource" ? undefined : lookupTurnKeyOutput({ accountId, keyId }).name;
export const resourceName = only === "function" ? undefined : new TurnKeyLookup("through-proxy", { accountId, keyId }).name;
