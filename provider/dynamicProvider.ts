import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as host from "./providerHost";

/**
 * Loads the provider's implementation inside the provider process. It is
 * resolved from the program's directory, where the stack installed this
 * package (or, inside this package's own repository, the package itself).
 * When it is not there, the error says where it must be installed: it
 * carries the name and brand of `TurnKeyLookupError` by hand, since the
 * package that defines the class is exactly what could not be loaded.
 */
function loadHost(): host.ProviderHost {
  const entry = "pulumi-cloudflare-turn-lookup/internal/provider-host";
  try {
    return ((require("node:module") as typeof import("node:module")).createRequire(`${process.cwd()}/`)(entry) as typeof host).providerHost();
  } catch (err) {
    if (!String((err as Error).message).includes(`'${entry}'`)) throw err;
    const message = `pulumi-cloudflare-turn-lookup is not installed where the dynamic provider runs (${process.cwd()}). Install it in the stack's project, beside @pulumi/pulumi; under the Automation API, give LocalWorkspace that project's folder as workDir and as projectSettings.main.`;
    // The SDK prints what a read throws, with its stack, before the engine shows the message: drop that copy.
    const print = console.error as typeof console.error & { quiet?: true };
    if (!print.quiet) console.error = Object.assign((...args: unknown[]) => void (String(args[0]).includes(message) || print(...args)), { quiet: true as const });
    throw Object.defineProperties(new Error(message), {
      name: { value: "TurnKeyLookupError" },
      stack: { value: `TurnKeyLookupError: ${message}` },
      [Symbol.for("pulumi-cloudflare-turn-lookup.error")]: { value: ["TurnKeyLookupError"] },
    });
  }
}

/**
 * The objects the Pulumi SDK serializes into every lookup's `__provider`
 * input (and so twice into the state, as input and output). They must stay
 * small and hold no secret: each method only loads the real implementation
 * inside the provider process, and nothing else at module level may be
 * referenced here, or the serializer would capture it by value.
 *
 * A read of an existing object only ever meets `configure` and `read`: the
 * engine calls no `Check` for a read, so ids are checked in the program and
 * again before any request. `create` is there to refuse with a clear
 * message; there is no `delete`, so the provider process treats one as
 * "forget", and no `diff`, which reads never use. Each method costs about
 * 200 bytes, stored twice per lookup.
 */
export const turnKeyProvider: dynamic.ResourceProvider = {
  configure: async (req) => loadHost().configure(req),
  read: async (id, props) => loadHost().readKey(id, props),
  create: async () => loadHost().refuseCreate(),
};

/** The serialized provider of `TurnKeys`, the list lookup; see {@link turnKeyProvider}. */
export const turnKeysProvider: dynamic.ResourceProvider = {
  configure: async (req) => loadHost().configure(req),
  read: async (id, props) => loadHost().readKeys(id, props),
  create: async () => loadHost().refuseCreate(),
};
