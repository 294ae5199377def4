// A new user's first hour, under the real engine, read as a person reads it:
// the default `pulumi new typescript` files, the README's quickstart, the
// usual mistakes, and every failure's message shown once, without a stack trace.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, KEY_ID, OTHER_KEY_ID } from "../support/ids";
import { REPO, installPacked } from "../support/packed";
import { type CliResult, Workspace, findCliDir } from "./harness";

const cliDir = findCliDir();
const E2E_TIMEOUT = 240_000;
/**
 * A token of a real one's shape (40 letters and digits) that the CLI's guess
 * at what "looks like a secret" lets through, as it lets many real tokens:
 * `pulumi config set` then stores it in clear without a word.
 */
const REAL_LOOKING_TOKEN = "Abcdefghij0123456789Abcdefghij0123456789";
const SEEDED = { accountId: ACCOUNT_ID, uid: KEY_ID, name: "production-realtime-app", created: "2024-05-01T10:00:00Z", modified: "2024-05-02T11:00:00Z" };

/** How many times `text` occurs in what the command printed. */
function occurrences(r: CliResult, text: string): number {
  return (r.stdout + r.stderr).split(text).length - 1;
}

/** What a person must never have to read: stack-trace lines, an error's name doubled, Node.js's warnings about our promises, raw colour codes. */
function expectReadable(r: CliResult): void {
  const all = r.stdout + r.stderr;
  expect(all).not.toMatch(/^\s+at .+[(:]/m);
  expect(all).not.toMatch(/\b(\w*Error): [^\n]*\b\1: /);
  expect(all).not.toContain("PromiseRejectionHandledWarning");
  expect(all).not.toContain("\x1b[");
}

/** The quickstart program, as the README shows it: the first `ts` block after its "Quickstart" heading. */
function readmeQuickstart(): string {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Quickstart"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("README.md has no ts block under ## Quickstart");
  return block[1]!;
}

let emulator: RunningEmulator;

describe.skipIf(!cliDir)("a new user's first hour", () => {
  beforeAll(async () => {
    emulator = await startEmulator({ token: REAL_LOOKING_TOKEN, seed: { keys: [SEEDED] } });
  });
  afterAll(() => emulator?.close());

  describe("from the default `pulumi new typescript` files and the README", () => {
    let ws: Workspace;
    beforeAll(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-first-hour-"));
      const template = path.join(REPO, "test/e2e/fixtures/pulumi-new-typescript");
      for (const file of fs.readdirSync(template)) {
        const text = fs.readFileSync(path.join(template, file), "utf8").replaceAll("${PROJECT}", "first-hour").replaceAll("${DESCRIPTION}", "A first stack");
        fs.writeFileSync(path.join(dir, file), text);
      }
      // The quickstart, plus the plain client's subpath, which the template's
      // tsconfig ("moduleResolution": "node") must resolve too.
      const program = `${readmeQuickstart()}\nimport { getTurnKey } from "pulumi-cloudflare-turn-lookup/client";\nexport const clientLoaded = typeof getTurnKey;\n`;
      fs.writeFileSync(path.join(dir, "index.ts"), program);
      installPacked(dir);
      ws = new Workspace(dir, cliDir!);
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    it("the program compiles with the template's tsconfig as generated", () => {
      const tsc = spawnSync(path.join(ws.dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", ws.dir], { encoding: "utf8" });
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.status).toBe(0);
    });

    it(
      "a token set without --secret previews with one warning that gives the fix, and never shows the token",
      async () => {
        await ws.ok(["stack", "init", "dev"]);
        for (const [k, v] of Object.entries({
          keyId: KEY_ID,
          accountId: ACCOUNT_ID,
          "cloudflare:baseUrl": emulator.url,
          "cloudflare:apiToken": REAL_LOOKING_TOKEN,
        })) {
          await ws.ok(["config", "set", k, v]);
        }
        const r = await ws.run(["preview"], { record: false });
        expect(r.code).toBe(0);
        const warning = "cloudflare:apiToken is stored in the stack config in clear text (Pulumi.dev.yaml, which is usually committed)";
        // Once per run: the engine prints a warning where it happens and again in the summary.
        expect(occurrences(r, warning)).toBeGreaterThanOrEqual(1);
        expect(occurrences(r, warning)).toBeLessThanOrEqual(2);
        expect(r.stdout.slice(r.stdout.indexOf("Diagnostics:"))).toContain("pulumi config set --secret cloudflare:apiToken <token>");
        expect(r.stdout + r.stderr).not.toContain(REAL_LOOKING_TOKEN);
        expect(r.stdout).toContain(SEEDED.name);
        expectReadable(r);
      },
      E2E_TIMEOUT,
    );

    it(
      "with the token set as a secret, preview shows the key's name and no warning; up exports it",
      async () => {
        await ws.ok(["config", "set", "--secret", "cloudflare:apiToken", REAL_LOOKING_TOKEN]);
        const preview = await ws.run(["preview"]);
        expect(preview.code).toBe(0);
        expect(preview.stdout).toMatch(new RegExp(`name\\s*: "${SEEDED.name}"`));
        expect(preview.stdout).not.toContain("clear text");
        const up = await ws.run(["up", "--yes"]);
        expect(up.code).toBe(0);
        expect(JSON.parse(await ws.ok(["stack", "output", "--json"]))).toMatchObject({ name: SEEDED.name, uid: KEY_ID, clientLoaded: "function" });
      },
      E2E_TIMEOUT,
    );

    it(
      "the usual mistake, an unknown key, reads once with the key named, then destroy",
      async () => {
        await ws.ok(["config", "set", "keyId", OTHER_KEY_ID]);
        const r = await ws.run(["preview"]);
        expect(r.code).not.toBe(0);
        expect(occurrences(r, "TURN key not found")).toBeGreaterThanOrEqual(1);
        expect(occurrences(r, "TURN key not found (account")).toBeLessThanOrEqual(2);
        expect(r.stdout).toContain(`key ${OTHER_KEY_ID}`);
        expectReadable(r);
        await ws.ok(["config", "set", "keyId", KEY_ID]);
        await ws.ok(["destroy", "--yes"]);
        expect(emulator.requests.every((x) => x.method === "GET")).toBe(true);
        expect(ws.transcript.join("\n")).not.toContain(REAL_LOOKING_TOKEN);
      },
      E2E_TIMEOUT,
    );
  });

  describe("every failure path reads once", () => {
    let ws: Workspace;
    beforeAll(() => {
      ws = Workspace.create("turn-failures", path.join(REPO, "test/e2e/stacks/one-lookup/index.ts"), cliDir!);
    }, E2E_TIMEOUT);
    afterAll(() => ws?.remove());

    const base = () => ({ accountId: ACCOUNT_ID, keyId: KEY_ID, keyName: SEEDED.name, "cloudflare:baseUrl": emulator.url });
    type FailurePath = {
      label: string;
      config: () => Record<string, string>;
      token?: string;
      /** The config key the token is set under, for a typo of cloudflare:apiToken. */
      tokenKey?: string;
      /** Stores the token in clear text, where the engine masks nothing: the token in any message of ours would show. */
      tokenInClear?: boolean;
      /** Environment variables of the `pulumi` command. */
      env?: Record<string, string>;
      message: string;
      also: string[];
      /** Text that must not appear (a value that may hold a secret). */
      never?: string[];
    };
    const bad = (
      label: string,
      form: string,
      extra: Partial<FailurePath> & Pick<FailurePath, "message" | "also">,
      config: Record<string, string> = {},
    ): FailurePath => ({
      label: `${form}: ${label}`,
      config: () => ({ ...base(), form, ...config }),
      ...extra,
    });
    // A setting's mistake in each process: the provider process (a mistyped token key) and the program's (a limit that is no number).
    // Each message's wording, and the proxy variables' mistakes, are tested in units (configHints, settings, proxy).
    const settingMistakes = [
      bad("the token under a near-miss key", "resource", {
        tokenKey: "cloudflare:apitoken",
        message: "cloudflare:apitoken is set, but cloudflare:apiToken is not: did you mean cloudflare:apiToken?",
        also: ["No Cloudflare credential found"],
      }),
      bad(
        "a limit that is not a number",
        "function",
        { message: 'turnKeyLookup:burst must be a whole number; got "abc"', also: [] },
        { "turnKeyLookup:burst": "abc" },
      ),
    ];
    const paths: FailurePath[] = [
      {
        label: "resource: unknown key",
        config: () => ({ ...base(), keyId: OTHER_KEY_ID }),
        message: "TURN key not found (account",
        also: [`key ${OTHER_KEY_ID}`, "HTTP 404", "cf-ray"],
      },
      {
        label: "resource: wrong token",
        config: base,
        token: "Wr0ngTokenWr0ngTokenWr0ngTokenWr0ngToken",
        message: "Cloudflare refused the credential",
        also: ["Calls Read", `key ${KEY_ID}`, "HTTP 401", "Cloudflare error 10000: Authentication error"],
        tokenInClear: true,
        never: ["Wr0ngTokenWr0ngTokenWr0ngTokenWr0ngToken"],
      },
      {
        label: "resource: malformed key id",
        config: () => ({ ...base(), keyId: "../../user/tokens" }),
        message: "keyId must be 32 lowercase hexadecimal characters",
        also: ["TurnKeyLookup turn-key", "it could change the request URL"],
      },
      {
        label: "resource: emulator down",
        config: () => ({ ...base(), "cloudflare:baseUrl": "http://127.0.0.1:9/client/v4" }),
        message: "Could not reach the Cloudflare API",
        also: ["ECONNREFUSED", "after 4 attempts", `key ${KEY_ID}`],
      },
      {
        label: "function: unknown key",
        config: () => ({ ...base(), form: "function", keyId: OTHER_KEY_ID }),
        message: "TURN key not found (account",
        also: [`key ${OTHER_KEY_ID}`],
      },
      {
        label: "function: malformed key id",
        config: () => ({ ...base(), form: "function", keyId: "abc" }),
        message: "keyId must be 32 lowercase hexadecimal characters",
        also: ['"abc"'],
      },
      ...settingMistakes,
    ];
    it.each(paths)(
      "$label",
      async ({ label, config, token, tokenKey, tokenInClear, env, message, also, never }) => {
        const credential = { [tokenKey ?? "cloudflare:apiToken"]: token ?? REAL_LOOKING_TOKEN };
        await ws.initStack(label.replace(/\W+/g, "-"), tokenInClear ? { ...config(), ...credential } : config(), tokenInClear ? {} : credential);
        const r = await ws.run(["preview"], { env });
        expect(r.code).not.toBe(0);
        // Once where it happens, at most once more in the summary.
        expect(occurrences(r, message)).toBeGreaterThanOrEqual(1);
        expect(occurrences(r, message)).toBeLessThanOrEqual(2);
        for (const text of also) expect(r.stdout + r.stderr).toContain(text);
        for (const text of [REAL_LOOKING_TOKEN, ...(never ?? [])]) expect(r.stdout + r.stderr).not.toContain(text);
        expectReadable(r);
        // A lookup only reads.
        expect(emulator.requests.filter((q) => q.method !== "GET")).toEqual([]);
      },
      E2E_TIMEOUT,
    );

    it(
      "config typos that leave the lookup working get one warning each, naming the key and never its value",
      async () => {
        const value = "typo-value-4f2a9c";
        await ws.initStack(
          "typos",
          { ...base(), "turnKeyLookup:maxConcurency": "3", "turnKeyLookup:timeout": value },
          { "cloudflare:apiToken": REAL_LOOKING_TOKEN },
        );
        const r = await ws.run(["preview"]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toContain(SEEDED.name);
        const nearMiss = "turnKeyLookup:maxConcurency is set, but turnKeyLookup:maxConcurrency is not: did you mean turnKeyLookup:maxConcurrency?";
        const unknown =
          "turnKeyLookup:timeout is not a setting of pulumi-cloudflare-turn-lookup and is ignored; the turnKeyLookup: keys are turnKeyLookup:maxConcurrency,";
        for (const warning of [nearMiss, unknown]) {
          expect(occurrences(r, warning)).toBeGreaterThanOrEqual(1);
          expect(occurrences(r, warning)).toBeLessThanOrEqual(2);
        }
        expect(r.stdout + r.stderr).not.toContain(value);
        expectReadable(r);
      },
      E2E_TIMEOUT,
    );

    it(
      "a base URL under a near-miss key: the lookup goes to Cloudflare's API, and the warning says why",
      async () => {
        const { "cloudflare:baseUrl": url, ...rest } = base();
        await ws.initStack("base-url-typo", { ...rest, form: "function", "cloudflare:baseURL": url }, { "cloudflare:apiToken": REAL_LOOKING_TOKEN });
        const r = await ws.run(["preview"]);
        expect(r.code).not.toBe(0);
        const warning = "cloudflare:baseURL is set, but cloudflare:baseUrl is not: did you mean cloudflare:baseUrl?";
        expect(occurrences(r, warning)).toBeGreaterThanOrEqual(1);
        expect(occurrences(r, warning)).toBeLessThanOrEqual(2);
        expect(r.stdout + r.stderr).toContain("Could not reach the Cloudflare API at https://api.cloudflare.com");
        expect(r.stdout + r.stderr).not.toContain(REAL_LOOKING_TOKEN);
        expectReadable(r);
      },
      E2E_TIMEOUT,
    );

    it(
      "a setting's mistake fails pulumi up the same way, once",
      async () => {
        const [mistake] = settingMistakes;
        await ws.ok(["stack", "select", mistake!.label.replace(/\W+/g, "-")]);
        const r = await ws.run(["up", "--yes"]);
        expect(r.code).not.toBe(0);
        expect(occurrences(r, mistake!.message)).toBeGreaterThanOrEqual(1);
        expect(occurrences(r, mistake!.message)).toBeLessThanOrEqual(2);
        expect(r.stdout + r.stderr).not.toContain(REAL_LOOKING_TOKEN);
        expectReadable(r);
      },
      E2E_TIMEOUT,
    );
  });
});
