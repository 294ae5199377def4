import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * Every method of the provider: the provider process calls `configure(req)`,
 * `read(id, props)` or `create(inputs)`, and the host tells them apart by
 * their arguments. One function for all of them, with nothing beside it,
 * because every function the SDK serializes costs a wrapper in the text,
 * which is stored twice per lookup.
 *
 * It loads the implementation from the program's directory, where the stack
 * installed this package (or, inside this package's own repository, the
 * package itself). When it is not there, the error says where it must be
 * installed; it carries the name and brand of `TurnKeyLookupError` by hand,
 * since the package that defines the class is exactly what could not be
 * loaded, and it keeps the SDK from printing a second copy with a stack.
 */
const forward = async (...args: unknown[]): Promise<never> => {
  const entry = "pulumi-cloudflare-turn-lookup/internal/provider-host";
  let host: typeof import("./providerHost");
  try {
    host = (require("node:module") as typeof import("node:module")).createRequire(`${process.cwd()}/`)(entry) as typeof import("./providerHost");
  } catch (err) {
    if (!String((err as Error).message).includes(`'${entry}'`)) throw err;
    const message = `pulumi-cloudflare-turn-lookup is not installed where the dynamic provider runs (${process.cwd()}): install it beside @pulumi/pulumi there; under the Automation API, set workDir and projectSettings.main to that folder.`;
    const print = console.error;
    console.error = (...a: unknown[]) => void (String(a[0]).includes(message) || print(...a));
    throw Object.assign(new Error(message), { name: "TurnKeyLookupError", [Symbol.for("pulumi-cloudflare-turn-lookup.error")]: ["TurnKeyLookupError"] });
  }
  return host.providerHost().serve(args) as Promise<never>;
};

/**
 * The object the Pulumi SDK serializes into every lookup's `__provider`
 * input (and so twice into the state, as input and output), for
 * `TurnKeyLookup` and `TurnKeys` alike: one text, which the provider
 * process deserializes and configures once. It must stay small and hold no
 * secret, and nothing at module level may be referenced from it, or the
 * serializer would capture it by value.
 *
 * A read of an existing object only ever meets `configure` and `read`: the
 * engine calls no `Check` for a read, so ids are checked in the program and
 * again before any request. `create` is there to refuse with a clear
 * message; there is no `delete`, so the provider process treats one as
 * "forget", and no `diff`, which reads never use.
 */
export const lookupProvider: dynamic.ResourceProvider = { configure: forward, read: forward, create: forward };
