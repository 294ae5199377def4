/**
 * The dependencies of an Output-form lookup, with the semantics of
 * `@pulumi/pulumi`'s own invokes: the resources `dependsOn` names (one, a
 * list, or Inputs of either), the children of the components among them, and
 * the resources the arguments come from. Implemented here rather than left to
 * the SDK, whose older releases in our peer range do less, and because these
 * lookups make no engine invoke at all.
 */
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyInputError } from "../core/errors";
import { componentChildren, resourcesOf } from "./sdkInternals";

/** What `dependsOn` may be, as `InvokeOutputOptions` declares it. */
export type DependsOn = pulumi.InvokeOutputOptions["dependsOn"];

/**
 * The resources in `value`: one, or nested lists of them. At the call
 * (`resolved` false), Outputs and Promises are passed over, to be read once
 * they resolve; once resolved (through `pulumi.output`), `null` counts as none.
 * Anything else that is not a resource is a {@link TurnKeyInputError}.
 */
function resourcesIn(value: unknown, resolved: boolean): pulumi.Resource[] {
  if (value === undefined || (resolved && value === null)) return [];
  if (!resolved && (pulumi.Output.isInstance(value) || value instanceof Promise)) return [];
  if (Array.isArray(value)) return value.flatMap((item) => resourcesIn(item, resolved));
  if (!pulumi.Resource.isInstance(value)) throw notAResource(value);
  return [value];
}

function notAResource(value: unknown): TurnKeyInputError {
  const got =
    value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object that is not a resource" : `a ${typeof value}`;
  return new TurnKeyInputError("dependsOn", `dependsOn must be a resource, or a list of resources (or Outputs of them); got ${got}.`);
}

/**
 * Checks the parts of `dependsOn` given as plain values, at the call, so a
 * mistake stops the program there with its message; Outputs and Promises
 * are checked once they resolve.
 */
export function checkDependsOn(dependsOn: DependsOn): void {
  resourcesIn(dependsOn, false);
}

/**
 * The custom and remote resources reachable from `resources`, components
 * replaced by their children (once they are constructed), as the SDK expands
 * a component's dependencies.
 */
async function expand(resources: readonly pulumi.Resource[], seen = new Set<pulumi.Resource>()): Promise<pulumi.Resource[]> {
  const found: pulumi.Resource[] = [];
  for (const resource of resources) {
    if (seen.has(resource)) continue;
    seen.add(resource);
    const children = pulumi.ComponentResource.isInstance(resource) ? await componentChildren(resource) : undefined;
    if (children) found.push(...(await expand(children, seen)));
    else found.push(resource);
  }
  return found;
}

/**
 * An Output that is known only once every dependency exists: each custom
 * resource's id is known (in a preview, a resource still to be created or
 * replaced has none, so the gate stays unknown), and whose resources are all
 * of them, so that what uses a lookup gated by it is ordered after them too.
 * `undefined` when there is nothing to wait for.
 */
export function dependencyGate(args: pulumi.Output<unknown>, dependsOn: DependsOn, argsFromResources: boolean): pulumi.Output<unknown> | undefined {
  if (dependsOn === undefined && !argsFromResources) return undefined;
  const explicitDependencies: pulumi.Output<unknown> = pulumi.output(dependsOn as pulumi.Input<unknown>);
  return explicitDependencies.apply(async (explicit: unknown) => {
    const dependencies = await expand([...resourcesIn(explicit, true), ...(await resourcesOf(args))]);
    // A DependencyResource is a CustomResource without an id: its URN stands for it.
    return pulumi.all(dependencies.map((r) => (pulumi.CustomResource.isInstance(r) && r.id ? r.id : r.urn)));
  });
}
