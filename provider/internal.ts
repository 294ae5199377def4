/**
 * `pulumi-cloudflare-turn-lookup/internal/provider-host`: what the dynamic
 * provider process loads, and the serialized providers themselves. Internal:
 * not a public API, and free to change in any release.
 * @packageDocumentation
 */
export { ProviderHost, providerHost, type TurnKeyLookupInputs, type TurnKeyLookupOutputs, type TurnKeysInputs } from "./pulumi/providerHost";
export { lookupProvider } from "./pulumi/dynamicProvider";
