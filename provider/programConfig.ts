/**
 * What the program process (the user's stack) knows of our settings: the
 * stack config as the program sees it, the one-time warning about a
 * credential stored in clear, and the client the function forms share.
 */
import * as pulumi from "@pulumi/pulumi";
import { type TurnKeyClient, createTurnKeyClient } from "./client";
import { TurnKeyInputError, TurnKeyLookupError } from "./errors";
import { limitsFromConfig } from "./limits";
import { connectionFromConfig, secretsInClear } from "./settings";

/** The program's stack config value of `key` (`cloudflare:apiToken`), decrypted, without the SDK's "read a secret as plain" warning. */
function configValue(key: string): string | undefined {
  return pulumi.runtime.getConfig(key);
}

/** Whether the stack config holds `key` as a secret. The SDK marks it internal, so it is read defensively. */
function isSecretConfig(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtime.isConfigSecret === "function") return runtime.isConfigSecret(key);
  const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  return Array.isArray(listed) && listed.includes(key);
}

/**
 * State of one program run: one process runs one program, so it lives as
 * long as the process. It is created on first use, never at import.
 */
class ProgramRun {
  private warned = false;
  private client: TurnKeyClient | undefined;

  /** Warns once per run about each secret setting the stack config holds in clear text. Never shows a value. */
  warnAboutClearCredentials(): void {
    if (this.warned) return;
    this.warned = true;
    for (const key of secretsInClear((k) => configValue(k) !== undefined, isSecretConfig)) {
      const placeholder = key.endsWith("Token") ? "<token>" : "<key>";
      void pulumi.log.warn(
        `${key} is stored in the stack config in clear text (Pulumi.<stack>.yaml, which is usually committed). ` +
          `Store it encrypted instead: pulumi config set --secret ${key} ${placeholder}`,
      );
    }
  }

  /** The client of the function forms: built from the program's stack config (then the environment), caching for the run. */
  theClient(): TurnKeyClient {
    if (!this.client) {
      this.client = createTurnKeyClient({
        ...connectionFromConfig(configValue),
        limits: limitsFromConfig(configValue),
        cache: true,
        logger: (message) => void pulumi.log.debug(`[TurnKeyLookup] ${message}`),
      });
    }
    return this.client;
  }
}

let run: ProgramRun | undefined;

function programRun(): ProgramRun {
  return (run ??= new ProgramRun());
}

/** Warns once per program run if `cloudflare:apiToken` or `cloudflare:apiKey` is set without `--secret`. */
export function warnAboutClearCredentials(): void {
  programRun().warnAboutClearCredentials();
}

/** The client every function-form lookup of this program run shares. */
export function programClient(): TurnKeyClient {
  return programRun().theClient();
}

/**
 * Marks one of our errors as expected, so the Pulumi program runner prints
 * its message alone: a stack trace is for bugs, not for a missing key or a
 * malformed id. The runner recognizes `pulumi.RunError` by this property.
 */
export function asExpectedFailure<E>(err: E): E {
  if (err instanceof TurnKeyLookupError) {
    Object.defineProperty(err, "__pulumiRunError", { value: true });
    // The runner still formats `stack` for its trace span. Formatted lazily,
    // through the program's source maps, a trace that passes through the SDK's
    // own files took half a minute of CPU here; an expected failure's trace
    // says nothing anyway.
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
  return asExpectedFailure(err instanceof TurnKeyInputError ? new TurnKeyInputError(err.field, `${prefix}: ${err.message}`) : err);
}

/** Runs an input check for the program, throwing {@link forProgram}'s error. */
export function checkedFor<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw forProgram(prefix, err);
  }
}
