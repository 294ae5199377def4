// Type-level: the compat module's functions have exactly @pulumi/cloudflare's
// signatures. A mismatch fails `npm run typecheck`.
import type * as bridged from "@pulumi/cloudflare";
import type * as ours from "../../provider/compat";

/** `true` only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Same<F extends keyof typeof ours & keyof typeof bridged> = [
  Equal<Parameters<(typeof bridged)[F]>, Parameters<(typeof ours)[F]>>,
  Equal<ReturnType<(typeof bridged)[F]>, ReturnType<(typeof ours)[F]>>,
];

export const signaturesMatch: [Same<"getCallsTurnApp">, Same<"getCallsTurnAppOutput">, Same<"getCallsTurnApps">, Same<"getCallsTurnAppsOutput">] = [
  [true, true],
  [true, true],
  [true, true],
  [true, true],
];
