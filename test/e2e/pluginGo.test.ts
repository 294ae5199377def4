// The provider plugin under the real engine, from a Go program that uses
// the generated Go SDK (sdk/go, from this checkout by a replace directive),
// with the Go language host built from its Go module. One lane runs it
// (lanes.json): the first build of a Go program compiles the Pulumi SDK.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { ACCOUNT_ID, CANARY_TOKEN, KEY_ID } from "../support/ids";
import { REPO, runCommand } from "../support/packed";
import type { Workspace } from "./harness";
import {
  SEEDED,
  STACK_LINE,
  cliWithHosts,
  RENAMED,
  refreshAfterRename,
  initPluginStack,
  installedPlugin,
  PLATFORM,
  pluginsSection,
  serveArchives,
  withToken,
  workspaceOf,
} from "./pluginHarness";

const cliPath = cliWithHosts(["go"]);
const E2E_TIMEOUT = 600_000;
const SDK_MODULE = "github.com/pulumi-cloudflare-turn-lookup/pulumi-cloudflare-turn-lookup/sdk/go";

const PROGRAM = `package main

import (
	"${SDK_MODULE}/cloudflareturnlookup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		account := "${ACCOUNT_ID}"
		byName, err := cloudflareturnlookup.LookupTurnKeyByName(ctx, &cloudflareturnlookup.LookupTurnKeyByNameArgs{AccountId: &account, Name: "production-realtime-app"})
		if err != nil {
			return err
		}
		key, err := cloudflareturnlookup.NewTurnKeyLookup(ctx, "key", &cloudflareturnlookup.TurnKeyLookupArgs{
			AccountId: pulumi.String(account),
			KeyId:     pulumi.String(byName.KeyId),
		})
		if err != nil {
			return err
		}
		byId, err := cloudflareturnlookup.LookupTurnKey(ctx, &cloudflareturnlookup.LookupTurnKeyArgs{AccountId: &account, KeyId: byName.KeyId})
		if err != nil {
			return err
		}
		listed, err := cloudflareturnlookup.LookupTurnKeys(ctx, &cloudflareturnlookup.LookupTurnKeysArgs{AccountId: &account})
		if err != nil {
			return err
		}
		ctx.Export("byNameUid", pulumi.String(byName.Uid))
		ctx.Export("byIdName", pulumi.String(byId.Name))
		ctx.Export("listedNames", pulumi.ToStringArray([]string{listed.Keys[0].Name}))
		ctx.Export("resourceName", key.Name)
		return nil
	})
}
`;

describe.skipIf(!cliPath)("the plugin from a Go program with the generated SDK", () => {
  let emulator: RunningEmulator;
  let install: { dir: string; pluginDir: string };
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await startEmulator({ token: CANARY_TOKEN, seed: { keys: [SEEDED] } });
    install = await installedPlugin();
    // The SDK's go.mod and go.sum as they ship, and no `go mod tidy`: a requirement or checksum they lack fails the build here.
    const sdkRequires = [...fs.readFileSync(path.join(REPO, "sdk", "go", "go.mod"), "utf8").matchAll(/^require \(\n([\s\S]*?)\n\)/gm)]
      .flatMap((m) => m[1]!.split("\n"))
      .map((line) => `${line.replace(/ \/\/ indirect$/, "")} // indirect`);
    const goMod = `module turn-lookup-go-program\n\ngo 1.26.6\n\nrequire ${SDK_MODULE} v0.0.0\n\nrequire (\n${sdkRequires.join("\n")}\n)\n\nreplace ${SDK_MODULE} => ${path.join(REPO, "sdk", "go")}\n`;
    ws = workspaceOf(
      "go-lookups",
      {
        "Pulumi.yaml": `name: go-lookups\nruntime: go\n${pluginsSection(install.pluginDir)}`,
        "main.go": PROGRAM,
        "go.mod": goMod,
        "go.sum": fs.readFileSync(path.join(REPO, "sdk", "go", "go.sum"), "utf8"),
      },
      cliPath!,
    );
    const build = await runCommand("go", ["build", "-mod=readonly", "-o", os.devNull, "."], ws.dir);
    if (build.status !== 0) throw new Error(`the program does not build from the SDK's go.mod and go.sum:\n${build.output}`);
    await initPluginStack(ws, emulator);
    emulator.reset();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    ws?.remove();
    await emulator?.close();
    if (install) fs.rmSync(install.dir, { recursive: true, force: true });
  });

  it(
    "preview and up show the key's fields; the state holds no token; refresh sees a rename",
    async () => {
      const preview = await ws.ok(["preview"]);
      expect(preview).toContain(`byNameUid   : "${KEY_ID}"`);
      expect(preview).toContain('byIdName    : "production-realtime-app"');
      expect(preview).toMatch(/listedNames : \[\s+\[0\]: "production-realtime-app"\s+\]/);
      expect(preview).toContain('resourceName: "production-realtime-app"');
      await ws.ok(["up", "--yes"]);
      for (const { text } of ws.backendFiles()) expect(text).not.toContain(CANARY_TOKEN);
      expect(await refreshAfterRename(ws, emulator)).toMatchObject({ name: RENAMED, uid: KEY_ID });
      expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    "a wrong token is one clear message, without a stack trace or the token",
    async () => {
      const wrong = "wrong-token-9a7c5e3b1d0f2e4a6c8b";
      await withToken(ws, wrong, async () => {
        const r = await ws.run(["preview"]);
        const out = r.stdout + r.stderr;
        expect(r.code).not.toBe(0);
        // The by-name lookup reads the account's list.
        expect(out).toContain(`Cloudflare refused the credential for the TURN key list (account ${ACCOUNT_ID}). HTTP 401`);
        expect(out.match(/Cloudflare refused the credential/g)).toHaveLength(1);
        expect(out).toContain("cloudflare-turn-lookup:apiToken / CLOUDFLARE_API_TOKEN");
        expect(out).not.toMatch(STACK_LINE);
        expect(out).not.toMatch(/goroutine \d+/);
        expect(out).not.toContain(wrong);
      });
    },
    E2E_TIMEOUT,
  );

  it(
    // The Go host built here does not read the SDK module's pulumi-plugin.json (it reports the replaced module as "not a pulumi provider");
    // the SDK's default resource and invoke options carry the download URL, and the engine gets the plugin when the program first uses it.
    "with no plugins section and an empty PULUMI_HOME, the engine gets the plugin from the download URL the SDK names",
    async () => {
      const archives = await serveArchives();
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "turn-lookup-go-home-"));
      fs.writeFileSync(path.join(ws.dir, "Pulumi.yaml"), "name: go-lookups\nruntime: go\n");
      try {
        // A fresh PULUMI_HOME holds no selected stack: name it.
        const r = await ws.run(["preview", "--stack", "dev"], { env: { ...archives.env, PULUMI_HOME: home } });
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('resourceName: "production-realtime-app"');
        expect(archives.requests).toEqual([`/pulumi-resource-cloudflare-turn-lookup-v0.1.0-${PLATFORM}.tar.gz`]);
        expect(fs.readdirSync(path.join(home, "plugins"))).toContain("resource-cloudflare-turn-lookup-v0.1.0");
      } finally {
        fs.writeFileSync(path.join(ws.dir, "Pulumi.yaml"), `name: go-lookups\nruntime: go\n${pluginsSection(install.pluginDir)}`);
        fs.rmSync(home, { recursive: true, force: true });
        await archives.close();
      }
    },
    E2E_TIMEOUT,
  );
});
