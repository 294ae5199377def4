/**
 * What the program process (the user's stack) knows of our settings, per
 * program run: the stack config as the run sees it, the once-per-run warning
 * about a credential stored in clear, and the client the run's function
 * forms share.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkConnection, createTurnKeyClient } from "../client";
import type { TurnKeyClient } from "../core/types";
import { isConfigSecret, runStore } from "./sdkInternals";
import {
  type ConnectionSettings,
  PROGRAM_NAMES,
  clearTextWarning,
  LIMIT_SETTINGS,
  connectionFromConfig,
  connectionFromEnv,
  limitsFromConfig,
  secretsInClear,
  setting,
} from "../core/settings";
import { type ConfigKeyHints, configKeyHints, isCredentialKey, nearMissSentence, withConfigHints } from "../core/configHints";

/** The program's stack config value of `key` (`cloudflare:apiToken`), decrypted, without the SDK's "read a secret as plain" warning. */
function configValue(key: string): string | undefined {
  return pulumi.runtime.getConfig(key);
}

/** Where a run's lookups take their connection settings from: the stack config, then the environment. */
function connectionSources(): ConnectionSettings[] {
  return [connectionFromConfig(configValue), connectionFromEnv(process.env)];
}

/** How long a run's client keeps its connections once no lookup of the run is in flight. */
const IDLE_CLOSE_MS = 1_000;

/**
 * State of one program run: the clear-text warning, and the client the
 * function forms share (credential, base URL, limits, results, in-flight
 * sharing), built from that run's stack config. One process may run many
 * programs, one after another or at once (the Automation API), so it lives
 * in the SDK's store of the run, never in this module; a later run starts
 * afresh and reads again.
 */
class ProgramRun {
  private warned = false;
  private client: TurnKeyClient | undefined;
  private active = 0;
  private idle: NodeJS.Timeout | undefined;

  /**
   * Warns once per run about the stack config: each secret setting held in
   * clear text, each near miss of a known key, each unknown `turnKeyLookup:`
   * key. Never shows a value.
   */
  warnAboutConfig(): void {
    if (this.warned) return;
    this.warned = true;
    for (const key of secretsInClear((k) => configValue(k) !== undefined, isConfigSecret)) {
      void pulumi.log.warn(clearTextWarning(key, pulumi.getStack()));
    }
    const { nearMisses, unknown } = this.hints();
    // Where a near miss leaves no credential at all, the lookup's error says it: once is enough.
    const noCredential = !connectionSources().some((s) => s.apiToken ?? s.apiKey);
    for (const miss of nearMisses) if (!(noCredential && isCredentialKey(miss.meant, PROGRAM_NAMES))) void pulumi.log.warn(nearMissSentence(miss));
    const known = LIMIT_SETTINGS.map((o) => setting(o).configKey).join(", ");
    for (const key of unknown)
      void pulumi.log.warn(`${key} is not a setting of pulumi-cloudflare-turn-lookup and is ignored; the turnKeyLookup: keys are ${known}.`);
  }

  /** What the run's config keys say about typos. */
  hints(): ConfigKeyHints {
    return configKeyHints(Object.keys(pulumi.runtime.allConfig()), PROGRAM_NAMES);
  }

  /**
   * Checks the run's settings (request limits, credential, base URL, proxy)
   * as a lookup's call would, so that a bad one stops the program at the
   * call; a missing credential only when `requireCredential`.
   */
  checkSettings(requireCredential: boolean): void {
    try {
      this.theClient();
      checkConnection(connectionSources(), process.env, requireCredential, PROGRAM_NAMES);
    } catch (err) {
      throw withConfigHints(err, this.hints(), PROGRAM_NAMES);
    }
  }

  /**
   * Runs one lookup on the run's client. The run's connections close once
   * none of its lookups has been in flight for a moment: nothing tells a
   * program when its run ends, and a host running many runs must not keep
   * each one's sockets. A later lookup of the run connects again.
   */
  async lookup<T>(use: (client: TurnKeyClient) => Promise<T>): Promise<T> {
    clearTimeout(this.idle);
    this.active++;
    try {
      return await use(this.theClient());
    } catch (err) {
      throw withConfigHints(err, this.hints(), PROGRAM_NAMES);
    } finally {
      if (--this.active === 0) this.idle = setTimeout(() => void this.client?.close(), IDLE_CLOSE_MS).unref();
    }
  }

  private theClient(): TurnKeyClient {
    return (this.client ??= createTurnKeyClient({
      ...connectionFromConfig(configValue),
      limits: limitsFromConfig(configValue),
      cache: true,
      logger: (message) => void pulumi.log.debug(`[TurnKeyLookup] ${message}`),
      names: PROGRAM_NAMES,
    }));
  }
}

/** Where a run's state hangs on the SDK's store of that run; private to this copy of the package. */
const RUN_STATE = Symbol("pulumi-cloudflare-turn-lookup program run");

/**
 * The state of the program run this call belongs to, found as the SDK finds
 * its own: `getStore()` gives the run's store (an AsyncLocalStorage entry
 * under the Automation API, the process's one store under the CLI).
 */
function programRun(): ProgramRun {
  const store = runStore() as Record<typeof RUN_STATE, ProgramRun | undefined>;
  return (store[RUN_STATE] ??= new ProgramRun());
}

/** Warns once per program run about a credential set without `--secret`, and about config keys that look like typos of ours. */
export function warnAboutConfig(): void {
  programRun().warnAboutConfig();
}

/** Checks this program run's settings now; see {@link ProgramRun.checkSettings}. */
export function checkProgramSettings(requireCredential: boolean): void {
  programRun().checkSettings(requireCredential);
}

/** Runs `use` with the client every function-form lookup of this program run shares. */
export function withProgramClient<T>(use: (client: TurnKeyClient) => Promise<T>): Promise<T> {
  return programRun().lookup(use);
}
