/**
 * pulumi-cloudflare-turn-lookup: reference an existing Cloudflare Calls
 * (Realtime) TURN key from a Pulumi stack.
 *
 * - {@link TurnKeyLookup}: the resource to use in a stack.
 * - {@link getTurnKey}: the plain client, for scripts and tests (also at
 *   `pulumi-cloudflare-turn-lookup/client`, which does not load Pulumi).
 * @packageDocumentation
 */
export * from "./lookupClient";
export { TurnKeyLookup, type TurnKeyLookupArgs } from "./turnKeyLookup";
export { turnKeyProvider } from "./dynamicProvider";
export { CONFIG_KEYS, LIMIT_CONFIG_KEYS, type TurnKeyLookupInputs, type TurnKeyLookupOutputs } from "./providerHost";
