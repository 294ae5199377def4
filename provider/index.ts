/**
 * pulumi-cloudflare-turn-lookup: reference existing Cloudflare Calls
 * (Realtime) TURN keys from a Pulumi stack.
 *
 * - {@link TurnKeyLookup} and {@link TurnKeys}: lookups kept in state, as read resources.
 * - {@link lookupTurnKey}, {@link lookupTurnKeyByName}, {@link lookupTurnKeys}
 *   and their `…Output` forms: lookups that keep nothing in state.
 * - {@link createTurnKeyClient}: the plain client, for scripts and tests
 *   (also at `pulumi-cloudflare-turn-lookup/client`, which does not load
 *   Pulumi, and has `getTurnKey` on a process-wide default client for scripts).
 * @packageDocumentation
 */
export * from "./clientApi";
export { TurnKeyLookup, type TurnKeyLookupArgs } from "./pulumi/turnKeyLookup";
export { TurnKeys, type TurnKeysArgs } from "./pulumi/turnKeys";
export {
  lookupTurnKey,
  lookupTurnKeyOutput,
  lookupTurnKeyByName,
  lookupTurnKeyByNameOutput,
  lookupTurnKeys,
  lookupTurnKeysOutput,
  type LookupTurnKeyArgs,
  type LookupTurnKeyOutputArgs,
  type LookupTurnKeyByNameArgs,
  type LookupTurnKeyByNameOutputArgs,
  type LookupTurnKeysArgs,
  type LookupTurnKeysOutputArgs,
  type LookupTurnKeysResult,
} from "./pulumi/functions";
