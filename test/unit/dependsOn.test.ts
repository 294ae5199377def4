// dependsOn in the Output forms, with the engine mocked in a preview: the
// lookup waits for every dependency, is unknown (and sends nothing) while
// one is still to be created, and its result depends on them. The engine
// gives a resource no id in a preview when it is to be created; the mocks
// here do the same for resources named "pending-…".
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { getCallsTurnAppOutput } from "../../provider/compat";
import { lookupTurnKeyByNameOutput, lookupTurnKeyOutput, lookupTurnKeysOutput } from "../../provider/pulumi/functions";
import { TurnKeyInputError } from "../../provider/core/errors";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { valueOf } from "../support/mocks";

let emulator: RunningEmulator;

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, {}, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string, children: string[]) {
    super("test:index:Group", name);
    for (const child of children) new Thing(child, { parent: this });
    this.registerOutputs({});
  }
}

/** Whether an Output is known, and the resources it depends on (the SDK's own bookkeeping). */
async function stateOf(output: pulumi.Output<unknown>): Promise<{ known: boolean; secret: boolean; resources: string[] }> {
  const internal = output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources(): Promise<Set<pulumi.Resource>> };
  const resources = await Promise.all([...(await internal.allResources())].map((r) => valueOf(r.urn)));
  return { known: await internal.isKnown, secret: await internal.isSecret, resources: resources.map((urn) => urn.split("::").at(-1)!).sort() };
}

beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app" }] } });
  pulumi.runtime.setAllConfig({ "cloudflare:apiToken": CANARY_TOKEN, "cloudflare:baseUrl": emulator.url });
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: args.name.startsWith("pending-") ? undefined : `${args.name}-id`, state: {} }),
      call: () => ({}),
    },
    "deps",
    "test",
    true,
  );
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const args = { accountId: ACCOUNT_ID, keyId: KEY_ID };

describe("dependsOn in a preview", () => {
  it("one resource still to be created: the result is unknown, nothing is sent, and the result depends on it", async () => {
    const pending = new Thing("pending-maker");
    const state = await stateOf(lookupTurnKeyOutput(args, { dependsOn: pending }));
    expect(state).toEqual({ known: false, secret: false, resources: ["pending-maker"] });
    expect(emulator.requests).toHaveLength(0);
  });

  it("resources that exist (a list, an Output of one, a Promise of one): the key is read, and the result depends on each", async () => {
    const a = new Thing("made-a");
    const b = new Thing("made-b");
    const c = new Thing("made-c");
    const result = lookupTurnKeyOutput(args, { dependsOn: [a, pulumi.output(b), Promise.resolve(c) as unknown as pulumi.Resource] });
    expect(await valueOf(result.name)).toBe("production-realtime-app");
    expect(await stateOf(result)).toEqual({ known: true, secret: false, resources: ["made-a", "made-b", "made-c"] });
    expect(emulator.requests).toHaveLength(1);
  });

  it("a list with one resource to be created among existing ones: unknown", async () => {
    const state = await stateOf(
      lookupTurnKeyByNameOutput({ accountId: ACCOUNT_ID, name: "production-realtime-app" }, { dependsOn: [new Thing("made-d"), new Thing("pending-e")] }),
    );
    expect(state.known).toBe(false);
    expect(emulator.requests).toHaveLength(0);
  });

  it("a component stands for its children: unknown while a child is to be created, read when all exist", async () => {
    const waiting = await stateOf(lookupTurnKeysOutput({ accountId: ACCOUNT_ID }, { dependsOn: new Group("group-1", ["made-f", "pending-g"]) }));
    expect(waiting).toEqual({ known: false, secret: false, resources: ["made-f", "pending-g"] });
    expect(emulator.requests).toHaveLength(0);
    const ready = getCallsTurnAppOutput(args, { dependsOn: [new Group("group-2", ["made-h", "made-i"])] });
    expect(await valueOf(ready.uid)).toBe(KEY_ID);
    expect((await stateOf(ready)).resources).toEqual(["made-h", "made-i"]);
  });

  it("an argument from a resource still to be created waits for it too, though its value is known", async () => {
    const pending = new Thing("pending-source");
    const fromResource = pending.urn.apply(() => ACCOUNT_ID);
    const state = await stateOf(lookupTurnKeyOutput({ accountId: fromResource, keyId: KEY_ID }));
    expect(state).toEqual({ known: false, secret: false, resources: ["pending-source"] });
    expect(emulator.requests).toHaveLength(0);
  });

  it("a secret argument makes the whole result secret", async () => {
    const result = lookupTurnKeyOutput({ accountId: pulumi.secret(ACCOUNT_ID), keyId: KEY_ID }, { dependsOn: [new Thing("made-j")] });
    expect(await stateOf(result)).toMatchObject({ known: true, secret: true });
    expect(await stateOf(result.name)).toMatchObject({ known: true, secret: true });
  });

  it("a dependsOn that is not a resource stops the call with a TurnKeyInputError, before anything is sent", () => {
    const call = () => lookupTurnKeyOutput(args, { dependsOn: [new Thing("made-k"), "not-a-resource"] as unknown as pulumi.Resource[] });
    expect(call).toThrow(TurnKeyInputError);
    expect(call).toThrow("lookupTurnKeyOutput: dependsOn must be a resource, or a list of resources (or Outputs of them); got a string.");
    expect(emulator.requests).toHaveLength(0);
  });
});
