// A test stack whose account id comes from another resource: unknown in the
// first preview, known in `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();

// Produces the account id only when created, like an account or zone resource would.
const accountSource: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "account", outs: { accountId: inputs.value } };
  },
};

class AccountSource extends pulumi.dynamic.Resource {
  declare readonly accountId: pulumi.Output<string>;
  constructor(name: string, value: string) {
    super(accountSource, name, { value, accountId: undefined }, undefined, "test", "AccountSource");
  }
}

const account = new AccountSource("account", config.require("accountId"));
const key = new TurnKeyLookup("turn-key", { accountId: account.accountId, keyId: config.require("keyId") });

export const name = key.name;
export const uid = key.uid;
