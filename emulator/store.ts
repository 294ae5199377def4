import { randomBytes } from "node:crypto";

/** A TURN key as the emulator keeps it. */
export interface StoredTurnKey {
  uid: string;
  name: string;
  /** The secret (64 characters), returned only by the create call. */
  key: string;
  created: string;
  modified: string;
}

/** A key in a seed file or given to {@link TurnKeyStore.put}. Missing fields are generated. */
export interface SeedTurnKey {
  accountId: string;
  uid?: string;
  name?: string;
  key?: string;
  created?: string;
  modified?: string;
}

/** The accounts' TURN keys, in memory. */
export class TurnKeyStore {
  private readonly accounts = new Map<string, Map<string, StoredTurnKey>>();

  /** Adds (or replaces) a key, generating what is missing; returns it. */
  put(seed: SeedTurnKey): StoredTurnKey {
    const now = new Date().toISOString();
    const stored: StoredTurnKey = {
      uid: seed.uid ?? randomHex(16),
      name: seed.name ?? "",
      // 64 characters, the length Cloudflare's schema gives the secret.
      key: seed.key ?? randomBytes(32).toString("hex"),
      created: seed.created ?? now,
      modified: seed.modified ?? seed.created ?? now,
    };
    this.account(seed.accountId).set(stored.uid, stored);
    return stored;
  }

  /** The key, or `undefined`. */
  get(accountId: string, uid: string): StoredTurnKey | undefined {
    return this.accounts.get(accountId)?.get(uid);
  }

  /** Every key of the account, oldest first. */
  list(accountId: string): StoredTurnKey[] {
    return [...(this.accounts.get(accountId)?.values() ?? [])];
  }

  /** Renames a key and stamps `modified`; returns it, or `undefined` if there is none. */
  rename(accountId: string, uid: string, name: string | undefined): StoredTurnKey | undefined {
    const k = this.get(accountId, uid);
    if (!k) return undefined;
    if (name !== undefined) k.name = name;
    k.modified = laterThan(k.modified);
    return k;
  }

  /** Deletes a key; returns it, or `undefined` if there was none. */
  delete(accountId: string, uid: string): StoredTurnKey | undefined {
    const k = this.get(accountId, uid);
    if (k) this.accounts.get(accountId)!.delete(uid);
    return k;
  }

  private account(accountId: string): Map<string, StoredTurnKey> {
    let a = this.accounts.get(accountId);
    if (!a) this.accounts.set(accountId, (a = new Map<string, StoredTurnKey>()));
    return a;
  }
}

/** `n` random bytes as lowercase hex: Cloudflare's id shape for n = 16. */
export function randomHex(n: number): string {
  return randomBytes(n).toString("hex");
}

/** Now, or a millisecond after `previous` if the clock has not moved past it. */
function laterThan(previous: string): string {
  const now = Date.now();
  const prev = Date.parse(previous);
  return new Date(Number.isNaN(prev) || now > prev ? now : prev + 1).toISOString();
}
