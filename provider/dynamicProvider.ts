import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as host from "./providerHost";

/**
 * Loads the provider's implementation inside the provider process. It is
 * resolved from the program's directory, where the stack installed this
 * package (or, inside this package's own repository, the package itself).
 */
function loadHost(): host.ProviderHost {
  const { createRequire } = require("node:module") as typeof import("node:module");
  return (createRequire(`${process.cwd()}/`)("pulumi-cloudflare-turn-lookup/internal/provider-host") as typeof host).providerHost();
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
  configure: (req) => loadHost().configure(req),
  read: (id, props) => loadHost().readKey(id, props),
  create: () => loadHost().refuseCreate(),
};

/** The serialized provider of `TurnKeys`, the list lookup; see {@link turnKeyProvider}. */
export const turnKeysProvider: dynamic.ResourceProvider = {
  configure: (req) => loadHost().configure(req),
  read: (id, props) => loadHost().readKeys(id, props),
  create: () => loadHost().refuseCreate(),
};
