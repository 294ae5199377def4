import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as host from "./providerHost";

/**
 * The object the Pulumi SDK serializes into every `TurnKeyLookup`'s
 * `__provider` input (and so into the state). It must stay tiny and hold no
 * secret: each method only loads the real implementation, by package name,
 * inside the provider process. Nothing at module level may be referenced
 * here, or the serializer would capture it by value.
 */
export const turnKeyProvider: dynamic.ResourceProvider = {
  async configure(req) {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.configure(req);
  },
  async check(olds, news) {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.check(olds, news);
  },
  async diff() {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.diff();
  },
  async read(id, props) {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.read(id, props);
  },
  async create() {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.create();
  },
  async delete() {
    const impl: typeof host = require("pulumi-cloudflare-turn-lookup/provider-host");
    return impl.remove();
  },
};
