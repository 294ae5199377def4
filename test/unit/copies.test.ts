// Two installed copies of the package, as npm leaves them when a program and
// a library it uses each depend on it: errors made by one copy are
// recognized by the other's isInstance guards, where instanceof fails.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import type * as Client from "../../provider/lookupClient";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { installPackedAsync } from "../support/packed";

const PACKAGE = "pulumi-cloudflare-turn-lookup";

let dir: string;
let emulator: RunningEmulator;
let copyA: typeof Client;
let copyB: typeof Client;

beforeAll(async () => {
  emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [{ accountId: ACCOUNT_ID, uid: KEY_ID }] } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-copies-"));
  await installPackedAsync(dir);
  // A library with its own copy, nested under it as npm nests a second version.
  const library = path.join(dir, "node_modules/some-library");
  fs.mkdirSync(path.join(library, "node_modules"), { recursive: true });
  fs.writeFileSync(path.join(library, "package.json"), JSON.stringify({ name: "some-library", version: "1.0.0", main: "index.js" }));
  fs.writeFileSync(path.join(library, "index.js"), `module.exports = require("${PACKAGE}/client");\n`);
  fs.cpSync(path.join(dir, "node_modules", PACKAGE), path.join(library, "node_modules", PACKAGE), { recursive: true });
  const requireFromApp = createRequire(path.join(dir, "index.js"));
  copyA = requireFromApp("some-library") as typeof Client;
  copyB = requireFromApp(`${PACKAGE}/client`) as typeof Client;
}, 180_000);
afterAll(async () => {
  await emulator?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("errors recognized across two installed copies", () => {
  it("are two copies indeed: instanceof does not cross them", () => {
    expect(copyA.TurnKeyNotFoundError).not.toBe(copyB.TurnKeyNotFoundError);
  });

  it("copy B's guards recognize copy A's TurnKeyNotFoundError, and only as what it is", async () => {
    const client = copyA.createTurnKeyClient({ apiToken: CANARY_TOKEN, baseUrl: emulator.url, env: {} });
    const err: unknown = await client.getTurnKey({ accountId: ACCOUNT_ID, keyId: OTHER_KEY_ID }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(copyA.TurnKeyNotFoundError);
    expect(err instanceof copyB.TurnKeyNotFoundError).toBe(false);

    expect(copyB.TurnKeyNotFoundError.isInstance(err)).toBe(true);
    expect(copyB.CloudflareApiError.isInstance(err)).toBe(true);
    expect(copyB.TurnKeyLookupError.isInstance(err)).toBe(true);
    expect(copyB.isTurnKeyLookupError(err)).toBe(true);
    expect(copyB.CloudflareAuthError.isInstance(err)).toBe(false);
    expect(copyB.TurnKeyInputError.isInstance(err)).toBe(false);
    expect(copyB.TurnKeyAmbiguousError.isInstance(err)).toBe(false);
  });

  it("the brand follows the class hierarchy in each copy, and nothing else carries it", () => {
    const input = new copyA.TurnKeyInputError("keyId", "bad");
    expect(copyB.TurnKeyInputError.isInstance(input)).toBe(true);
    expect(copyB.TurnKeyLookupError.isInstance(input)).toBe(true);
    expect(copyB.CloudflareApiError.isInstance(input)).toBe(false);
    for (const other of [new Error("plain"), { name: "TurnKeyNotFoundError", message: "look-alike" }, null, undefined, "TurnKeyLookupError"]) {
      expect(copyB.TurnKeyLookupError.isInstance(other)).toBe(false);
      expect(copyB.isTurnKeyLookupError(other)).toBe(false);
    }
  });

  it("the brand is not enumerable: an error serializes as before", () => {
    const err = new copyB.TurnKeyInputError("keyId", "bad");
    expect(Object.keys(err)).toEqual(["name", "field"]);
    expect(JSON.stringify(err)).toBe('{"name":"TurnKeyInputError","field":"keyId"}');
  });
});
