// Resources the test stacks share.
import * as pulumi from "@pulumi/pulumi";

// Plays the part of a Worker binding or app config: a resource that just
// keeps its inputs, so a preview shows what it was given.

const recorder: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "recorded", outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

/** Records `args` as its inputs and outputs, under the type `pulumi-nodejs:dynamic/test:Consumer`. */
export class Consumer extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, pulumi.Input<unknown>>) {
    super(recorder, name, args, undefined, "test", "Consumer");
  }

  /** The output that records the input `key`. */
  recorded<T>(key: string): pulumi.Output<T> {
    return (this as unknown as Record<string, pulumi.Output<T>>)[key]!;
  }
}

// Produces the account id only when created, like an account or zone resource would.
const accountSource: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "account", outs: { accountId: inputs.value } };
  },
};

/** A resource whose `accountId` is unknown until it is created: unknown in a first preview. */
export class AccountSource extends pulumi.dynamic.Resource {
  declare readonly accountId: pulumi.Output<string>;
  constructor(name: string, value: string) {
    super(accountSource, name, { value, accountId: undefined }, undefined, "test", "AccountSource");
  }
}

// Makes a TURN key in its create, after `delayMs`, as a stack's own resource
// would before a lookup of it: through the emulator's admin API.
const keyMaker: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    await new Promise((resolve) => setTimeout(resolve, Number(inputs.delayMs ?? 0)));
    const res = await fetch(`${inputs.adminUrl}/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountId: inputs.accountId, uid: inputs.uid, name: inputs.name }),
    });
    if (!res.ok) throw new Error(`the emulator refused the key: HTTP ${res.status}`);
    return { id: String(inputs.uid), outs: inputs };
  },
};

/** A resource whose create adds a TURN key (`uid`, `name`) to the emulator at `adminUrl`. */
export class KeyMaker extends pulumi.dynamic.Resource {
  constructor(name: string, args: { adminUrl: string; accountId: string; uid: string; name: string; delayMs?: number }, opts?: pulumi.CustomResourceOptions) {
    super(keyMaker, name, args, opts, "test", "KeyMaker");
  }
}
