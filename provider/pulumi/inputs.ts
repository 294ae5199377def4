/**
 * The input checks of the Pulumi faces, in one place: every argument a
 * lookup takes is checked here, a plain value at the call and an Output once
 * it resolves, with the resource or function named in the message, and the
 * failure marked as expected, so the program prints its message alone.
 */
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyInputError, TurnKeyLookupError } from "../core/errors";
import { validateId, validateName } from "../core/ids";
import { accountIdOr, wholeNumber } from "../core/settings";
import { type DependsOn, checkDependsOn } from "./dependencies";
import { checkProgramSettings, warnAboutConfig } from "./programRun";
import { markAsRunError } from "./sdkInternals";

/** Every argument a lookup takes: the resources', the function forms' and `/compat`'s. */
interface LookupArguments {
  accountId?: unknown;
  keyId?: unknown;
  name?: unknown;
  maxItems?: unknown;
}

type ArgumentName = keyof LookupArguments;

/** The check of each argument, typed by the argument set: an argument renamed here or at a call site is a type error, not a lost check. */
const CHECKS: { readonly [K in ArgumentName]-?: (value: unknown) => unknown } = {
  accountId: (v) => validateId("accountId", v),
  keyId: (v) => validateId("keyId", v),
  name: validateName,
  maxItems: (v) => wholeNumber("maxItems", v as number | undefined, 1),
};

/** Arguments whose every name is one a lookup takes: a name not in {@link LookupArguments} is a type error. */
export type KnownArguments<A> = { readonly [K in keyof A]: K extends ArgumentName ? unknown : never };

/** Whether a value arrives later: an Output or a Promise. */
function isEventual(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/**
 * A resource's argument, checked: a plain value now (anything not an Output
 * or a Promise, so a number given by mistake fails at once), an eventual one
 * once it resolves, since an apply never runs on a value unknown in preview.
 * @throws TurnKeyInputError naming `prefix` for a malformed plain value
 */
export function checkedArgument(prefix: string, name: "accountId" | "keyId" | "name", value: pulumi.Input<string> | undefined): pulumi.Input<string> {
  const check = (v: string | undefined): string => checkedFor(prefix, () => CHECKS[name](v) as string);
  return pulumi.Output.isInstance(value) || value instanceof Promise ? pulumi.output(value).apply(check) : check(value);
}

/**
 * Checks a function form's call, as a resource's constructor does, where it
 * can be checked: arguments given as plain values, `dependsOn`, and the
 * run's settings (request limits, credential, base URL, proxy). A mistake
 * then stops the program at the call with its message alone; a promise that
 * failed at once would be rejected before the SDK attached its handlers,
 * and Node.js would warn. When nothing waits (every argument plain, no
 * `dependsOn`), a request will surely go, so the account (or
 * `CLOUDFLARE_ACCOUNT_ID`) and the credential must be there too. Returns
 * whether any argument is eventual.
 */
export function checkCall<A extends KnownArguments<A>>(fn: string, args: { readonly [K in keyof A]: unknown }, dependsOn: DependsOn): boolean {
  return checkedFor(fn, () => {
    warnAboutConfig();
    const given: LookupArguments = args;
    const eventual = Object.values(given).some(isEventual);
    for (const name of Object.keys(CHECKS) as ArgumentName[]) {
      if (given[name] !== undefined && !isEventual(given[name])) CHECKS[name](given[name]);
    }
    checkDependsOn(dependsOn);
    const certain = !eventual && dependsOn === undefined;
    if (certain) CHECKS.accountId(accountIdOr(given.accountId));
    checkProgramSettings(certain);
    return eventual;
  });
}

/**
 * Marks one of our errors as expected, so the Pulumi program runner prints
 * its message alone: a stack trace is for bugs, not for a missing key or a
 * malformed id. The runner recognizes `pulumi.RunError` by this property.
 */
export function asExpectedFailure<E>(err: E): E {
  if (TurnKeyLookupError.isInstance(err)) {
    markAsRunError(err);
    // The runner still formats `stack` for its trace span, lazily, through the
    // program's source maps, which for a trace through the SDK's own files is
    // slow; an expected failure's trace says nothing anyway.
    Object.defineProperty(err, "stack", { value: `${err.name}: ${err.message}`, writable: true, configurable: true });
  }
  return err;
}

/**
 * An error as the program should show it: an input error gets `prefix` (the
 * resource or function it belongs to) in front of its message; every one of
 * ours is marked as expected.
 */
export function forProgram(prefix: string, err: unknown): unknown {
  return asExpectedFailure(TurnKeyInputError.isInstance(err) ? new TurnKeyInputError(err.field, `${prefix}: ${err.message}`) : err);
}

/** Runs an input check for the program, throwing {@link forProgram}'s error. */
export function checkedFor<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw forProgram(prefix, err);
  }
}
