/**
 * The dynamic provider's implementation, loaded inside the provider process
 * by the small serialized object in `dynamicProvider.ts`. It adapts the
 * engine's calls to {@link getTurnKey} and holds the credentials read from
 * the stack's configuration, which therefore never become resource inputs and
 * never reach the state.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { getTurnKey } from "./client";
import { TurnKeyInputError } from "./errors";
import { engineDebugLogger } from "./engineLog";
import { type IdField, validateId } from "./ids";
import { type RequestLimits, configureRequestLimits } from "./limits";
import type { CredentialSource } from "./settings";

/** Inputs of a `TurnKeyLookup` as the engine passes them. */
export interface TurnKeyLookupInputs {
  accountId?: string;
  keyId?: string;
}

/** Outputs of a `TurnKeyLookup`: the key's fields and the ids it was looked up by. */
export interface TurnKeyLookupOutputs {
  accountId: string;
  keyId: string;
  name: string;
  uid: string;
  created: string;
  modified: string;
}

/** Stack configuration keys read in `configure`, named as `@pulumi/cloudflare` names them. */
export const CONFIG_KEYS = {
  apiToken: "cloudflare:apiToken",
  apiKey: "cloudflare:apiKey",
  email: "cloudflare:email",
  baseUrl: "cloudflare:baseUrl",
  userAgentOperatorSuffix: "cloudflare:userAgentOperatorSuffix",
} as const;

/** Stack configuration keys that tune the provider process's shared request limits (see `RequestLimits`). */
export const LIMIT_CONFIG_KEYS = {
  maxConcurrency: "turnKeyLookup:maxConcurrency",
  requestsPerInterval: "turnKeyLookup:requestsPerInterval",
  intervalMs: "turnKeyLookup:intervalMs",
  burst: "turnKeyLookup:burst",
} as const satisfies Record<keyof RequestLimits, string>;

/** How the engine's wire format marks a value not known until `pulumi up` (the SDK's `runtime.unknownValue`). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let stackConfig: CredentialSource = {};

/** Reads credentials, the base URL and request limits from the stack's configuration. */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
  const get = (key: string): string | undefined => {
    const v: unknown = req.config.get(key);
    return typeof v === "string" ? v : undefined;
  };
  const limits: Partial<RequestLimits> = {};
  for (const [field, key] of Object.entries(LIMIT_CONFIG_KEYS) as [keyof RequestLimits, string][]) {
    const raw = get(key);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw.trim())) throw new TurnKeyInputError(field, `${key} must be a whole number; got ${JSON.stringify(raw)}.`);
    limits[field] = Number(raw);
  }
  if (Object.keys(limits).length > 0) {
    try {
      configureRequestLimits(limits);
    } catch (err) {
      throw new TurnKeyInputError("limits", (err as Error).message);
    }
  }
  stackConfig = {
    apiToken: get(CONFIG_KEYS.apiToken),
    apiKey: get(CONFIG_KEYS.apiKey),
    email: get(CONFIG_KEYS.email),
    baseUrl: get(CONFIG_KEYS.baseUrl),
    userAgentOperatorSuffix: get(CONFIG_KEYS.userAgentOperatorSuffix),
  };
}

/** Validates the ids, so a bad one fails `pulumi preview` before any request. */
export async function check(_olds: unknown, news: TurnKeyLookupInputs): Promise<dynamic.CheckResult<TurnKeyLookupInputs>> {
  const failures: dynamic.CheckFailure[] = [];
  for (const field of ["accountId", "keyId"] as const satisfies readonly IdField[]) {
    try {
      validateId(field, news[field]);
    } catch (err) {
      if (!(err instanceof TurnKeyInputError)) throw err;
      failures.push({ property: field, reason: err.message });
    }
  }
  return { inputs: news, failures };
}

/** Looks the key up; the engine calls this in preview, update and refresh. */
export async function read(id: string, props: TurnKeyLookupInputs): Promise<dynamic.ReadResult<Partial<TurnKeyLookupOutputs>>> {
  const keyId = props.keyId ?? id;
  if (keyId !== id) {
    throw new TurnKeyInputError("keyId", `keyId ${JSON.stringify(keyId)} does not match the resource id ${JSON.stringify(id)}.`);
  }
  if (props.accountId === undefined || props.accountId === UNKNOWN) {
    // In a preview, an account id that another resource has yet to produce is
    // unknown, and arrives missing (the engine never reads with an unknown key
    // id). TurnKeyLookup never sends a missing one otherwise: it refuses it in
    // the program. The key cannot be read yet. The engine refuses unknown
    // values in a read's result, but the SDK treats outputs left out of it as
    // unknown in a preview, so only the key id is returned; `pulumi up` reads the key.
    return { id, props: { keyId } };
  }
  const key = await getTurnKey(
    { accountId: props.accountId, keyId },
    // Within one provider process every lookup of the same key shares one
    // request and its result: a preview that reads a key 50 times sends one GET.
    { ...stackConfig, cache: true, logger: engineDebugLogger() },
  );
  return {
    id: key.keyId,
    props: { accountId: key.accountId, keyId: key.keyId, name: key.name, uid: key.uid, created: key.created, modified: key.modified },
  };
}

/** A lookup never creates a key; this is reached only if the engine is asked to create one (e.g. by `import`). */
export async function create(): Promise<dynamic.CreateResult> {
  throw new TurnKeyInputError(
    "keyId",
    "TurnKeyLookup only reads an existing TURN key and never creates one; construct it with new TurnKeyLookup(...), " +
      "which registers it as a read of the key id (pulumi import is not supported for dynamic providers).",
  );
}

