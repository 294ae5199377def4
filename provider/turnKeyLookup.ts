import * as pulumi from "@pulumi/pulumi";
import { turnKeyProvider } from "./dynamicProvider";
import { TurnKeyInputError } from "./errors";
import { type IdField, validateId } from "./ids";
import { ENV } from "./settings";

/** Arguments of {@link TurnKeyLookup}. */
export interface TurnKeyLookupArgs {
  /** The account id (32 lowercase hex characters). Defaults to `CLOUDFLARE_ACCOUNT_ID` from the program's environment. */
  accountId?: pulumi.Input<string>;
  /** The id of the existing TURN key to look up (32 lowercase hex characters). */
  keyId: pulumi.Input<string>;
}

/**
 * An existing Cloudflare Calls (Realtime) TURN key, looked up by id.
 *
 * Data-style: it is registered as a read of the key, so the engine reads it
 * in `pulumi preview`, `pulumi up` and `pulumi refresh`, and never creates,
 * updates or deletes anything in Cloudflare; `pulumi destroy` only forgets it.
 * Credentials come from the stack config (`cloudflare:apiToken`, secret) or
 * the environment (`CLOUDFLARE_API_TOKEN`), never from resource inputs.
 *
 * @example
 * const key = new TurnKeyLookup("turn", { accountId: "023e105f4ecef8ad9ca31a8372d0c353", keyId: "2a95132c15732412d22c1476fa83f27a" });
 * export const turnKeyUid = key.uid;
 */
export class TurnKeyLookup extends pulumi.dynamic.Resource {
  /** The account the key belongs to. */
  declare public readonly accountId: pulumi.Output<string>;
  /** The key's id. */
  declare public readonly keyId: pulumi.Output<string>;
  /** The key's short description. */
  declare public readonly name: pulumi.Output<string>;
  /** Cloudflare's unique identifier of the key. */
  declare public readonly uid: pulumi.Output<string>;
  /** When the key was created (RFC 3339). */
  declare public readonly created: pulumi.Output<string>;
  /** When the key was last modified (RFC 3339). */
  declare public readonly modified: pulumi.Output<string>;

  /**
   * @param name the Pulumi resource name (unique in the stack)
   * @param args which key to look up
   * @param opts resource options; `id` is set to the key id and may not be given
   * @throws TurnKeyInputError if an id given as a plain string is malformed, or no account id is given or set
   */
  constructor(name: string, args: TurnKeyLookupArgs, opts?: pulumi.CustomResourceOptions) {
    const accountId = args.accountId ?? process.env[ENV.accountId];
    if (accountId === undefined || accountId === "") {
      throw new TurnKeyInputError("accountId", `TurnKeyLookup ${name}: accountId is missing; pass it, or set ${ENV.accountId}.`);
    }
    const keyId = checkedId(name, "keyId", args.keyId);
    const props = { accountId: checkedId(name, "accountId", accountId), keyId, name: undefined, uid: undefined, created: undefined, modified: undefined };
    super(turnKeyProvider, name, props, { ...opts, id: keyId }, "cloudflare", "TurnKeyLookup");
  }
}

/**
 * Validates an id input of the resource `resource`, naming it in the error.
 * A plain string is checked at once (the constructor throws); an output is
 * checked once known, since an apply never runs on a value unknown in
 * preview. Exported for tests.
 * @throws TurnKeyInputError for a malformed plain string
 */
export function checkedId(resource: string, field: IdField, value: pulumi.Input<string> | undefined): pulumi.Input<string> {
  const valid = (v: string | undefined) => validIdOf(resource, field, v);
  return typeof value === "string" || value === undefined ? valid(value) : pulumi.output(value).apply(valid);
}

/** `value` if it is a well-formed id, else a {@link TurnKeyInputError} naming the resource. Exported for tests. */
export function validIdOf(resource: string, field: IdField, value: string | undefined): string {
  try {
    return validateId(field, value);
  } catch (err) {
    if (err instanceof TurnKeyInputError) throw new TurnKeyInputError(field, `TurnKeyLookup ${resource}: ${err.message}`);
    throw err;
  }
}
