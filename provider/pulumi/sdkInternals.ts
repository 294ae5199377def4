/**
 * Every part of `@pulumi/pulumi` this package reads that the SDK does not
 * declare as public API, behind typed accessors, in one file. Each accessor
 * is checked in every test lane (`test/unit/sdkInternals.test.ts`), so an SDK
 * release that moves one fails there, not in a user's stack.
 *
 * Nothing here loads the SDK's root module: the provider process uses some of
 * these accessors and has no program to run.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * The SDK's store of the current program run: an AsyncLocalStorage entry
 * under the Automation API, the process's one store under the CLI. A run's
 * state of ours hangs on it under a symbol, so it ends with the run.
 */
export function runStore(): Record<symbol, unknown> {
  return (require("@pulumi/pulumi/runtime/state") as { getStore(): Record<symbol, unknown> }).getStore();
}

/**
 * Whether the program's stack config holds `key` as a secret. The SDK's
 * `runtime.isConfigSecret` is not in its declarations; where it is missing,
 * the list the CLI passes the program (`PULUMI_CONFIG_SECRET_KEYS`) serves.
 */
export function isConfigSecret(key: string): boolean {
  const config = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof config.isConfigSecret === "function") return config.isConfigSecret(key);
  const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  return Array.isArray(listed) && listed.includes(key);
}

/**
 * The keys of the stack config a dynamic provider's `configure` received.
 * The request's `Config` offers only `get`; its `rawConfig` holds them all.
 */
export function providerConfigKeys(config: dynamic.Config): string[] {
  const raw = (config as unknown as { rawConfig?: unknown }).rawConfig;
  return typeof raw === "object" && raw !== null ? Object.keys(raw) : [];
}

/**
 * Marks `err` as the program runner's own kind of expected failure, as
 * `pulumi.RunError` is: the runner then prints its message alone, without a
 * stack trace. The runner recognizes a RunError by this property, which
 * `RunError.isInstance` reads.
 */
export function markAsRunError(err: object): void {
  Object.defineProperty(err, "__pulumiRunError", { value: true });
}

/** The resources an Output depends on, as the SDK tracks them (its `allResources`). */
export async function resourcesOf(output: pulumi.Output<unknown>): Promise<pulumi.Resource[]> {
  const all = (output as unknown as { allResources?: () => Promise<Set<pulumi.Resource>> }).allResources;
  return all ? [...(await all.call(output))] : [];
}

/**
 * The children of a local component, once it is constructed; `undefined`
 * for a remote component (a multi-language one), whose children the program
 * cannot see, and which counts as a resource of its own.
 */
export async function componentChildren(component: pulumi.ComponentResource): Promise<pulumi.Resource[] | undefined> {
  const internal = component as unknown as { __remote?: boolean; __data?: Promise<unknown>; __childResources?: Set<pulumi.Resource> };
  if (internal.__remote) return undefined;
  await internal.__data;
  return [...(internal.__childResources ?? [])];
}

/**
 * The `@grpc/grpc-js` that the SDK's generated stubs load: a client made with
 * another copy's credentials is refused. The SDK connects a program to the
 * engine's log, not a provider process, so the provider process makes its own client.
 */
export function sdkGrpc(): typeof import("@grpc/grpc-js") {
  const pulumiDir = require.resolve("@pulumi/pulumi/package.json").replace(/package\.json$/, "");
  return require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
}
