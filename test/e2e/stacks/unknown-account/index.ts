// A test stack whose account id comes from another resource: unknown in the
// first preview, known in `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";
import { AccountSource } from "../shared/resources";

const config = new pulumi.Config();

const account = new AccountSource("account", config.require("accountId"));
const key = new TurnKeyLookup("turn-key", { accountId: account.accountId, keyId: config.require("keyId") });

export const name = key.name;
export const uid = key.uid;
