// A generated stack for the engine benchmark: `count` lookups over `distinct`
// keys, in the form the config names: "resource" (TurnKeyLookup), "function"
// (lookupTurnKeyOutput), or "floor": the least a lookup built on a resource
// can cost, a dynamic read resource whose provider answers from memory
// ("floor6": the same with TurnKeyLookup's six outputs).
// Options: `besideFloor` adds one floor read beside the lookups; `slowMs`
// adds a resource that takes that long to create, which the function
// lookups then name in `dependsOn`. This package is loaded only by the
// forms that use it, so that what a lookup adds includes loading it.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const count = config.requireNumber("count");
const distinct = Math.max(1, config.requireNumber("distinct"));
const form = config.get("form") ?? "resource";
const keyIdOf = (i: number) => (i % distinct).toString(16).padStart(32, "0");

const inMemory: pulumi.dynamic.ResourceProvider = {
  async read(id, props) {
    return { id, props: { ...props, name: `key-${id}` } };
  },
  async create() {
    throw new Error("a read only");
  },
};

class FloorRead extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, keyId: string) {
    super(inMemory, name, { keyId, name: undefined }, { id: keyId }, "bench", "FloorRead");
  }
}

/** The floor with TurnKeyLookup's six outputs: the SDK's own cost grows with a resource's properties. */
class SixOutputFloorRead extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, keyId: string) {
    const props = { accountId, keyId, name: undefined, uid: undefined, created: undefined, modified: undefined };
    super(inMemory, name, props, { id: keyId }, "bench", "SixOutputFloorRead");
  }
}

const slowCreate: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    await new Promise((resolve) => setTimeout(resolve, Number(inputs.ms)));
    return { id: "slow", outs: inputs };
  },
};

class Slow extends pulumi.dynamic.Resource {
  constructor(name: string, ms: number) {
    super(slowCreate, name, { ms }, undefined, "bench", "Slow");
  }
}

const slowMs = config.getNumber("slowMs");
const slow = slowMs === undefined ? undefined : new Slow("slow", slowMs);
if (config.getBoolean("besideFloor")) new FloorRead("beside", keyIdOf(0));

/** Tells the trace preload, when one is loaded, that the first lookup's value reached the program. */
const traced = globalThis as { __turnLookupTrace?: (event: string) => void };

type Package = typeof import("pulumi-cloudflare-turn-lookup");
let loaded: Package | undefined;
const turnLookup = (): Package => (loaded ??= require("pulumi-cloudflare-turn-lookup") as Package);

function lookupName(i: number): pulumi.Output<string> {
  if (form === "function") {
    const { lookupTurnKeyOutput } = turnLookup();
    const name = lookupTurnKeyOutput({ accountId, keyId: keyIdOf(i) }, slow ? { dependsOn: [slow] } : undefined).name;
    return i === 0 ? name.apply((v) => (traced.__turnLookupTrace?.("value reached the program"), v)) : name;
  }
  if (form === "floor") return new FloorRead(`floor-${i}`, keyIdOf(i)).name;
  if (form === "floor6") return new SixOutputFloorRead(`floor-${i}`, keyIdOf(i)).name;
  return new (turnLookup().TurnKeyLookup)(`key-${i}`, { accountId, keyId: keyIdOf(i) }).name;
}

// One small output whatever the form and count, so that the state compares the lookups alone.
export const looked = pulumi.all(Array.from({ length: count }, (_, i) => lookupName(i))).apply((names) => names.length);
