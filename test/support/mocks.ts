import * as pulumi from "@pulumi/pulumi";

/** A resource the program registered (or read), as the mocks saw it. */
export interface Registered {
  type: string;
  name: string;
  id: string | undefined;
  inputs: Record<string, any>;
}

/** The TURN key the mocked engine "reads". */
export const MOCK_KEY = {
  name: "production-realtime-app",
  created: "2024-05-01T10:00:00Z",
  modified: "2024-05-02T11:00:00Z",
};

/**
 * Replaces the engine with mocks for one program: reads of TurnKeyLookup
 * return {@link MOCK_KEY} with `uid` = the key id; everything else echoes its inputs.
 */
export function mockEngine(project: string, config: Record<string, string>): Registered[] {
  const seen: Registered[] = [];
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v])));
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen.push({ type: args.type, name: args.name, id: args.id, inputs: args.inputs });
        if (args.type === "pulumi-nodejs:dynamic/cloudflare:TurnKeyLookup") {
          return { id: args.id!, state: { accountId: args.inputs.accountId, keyId: args.inputs.keyId, uid: args.inputs.keyId, ...MOCK_KEY } };
        }
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    project,
    "test",
    true,
  );
  return seen;
}

/** The value of an output. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
