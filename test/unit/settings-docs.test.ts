// The README's and the registry docs' settings tables say what the settings
// table in the code says: every row, its config key on each face,
// environment variable, option and default.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../provider/core/settings";
import { REPO } from "../support/packed";

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const INSTALLATION = fs.readFileSync(path.join(REPO, "docs/installation-configuration.md"), "utf8");

/** The rows of the first table after `heading` in `doc`, as cells. */
function tableAfter(heading: string, doc = README): string[][] {
  const at = doc.indexOf(heading);
  if (at < 0) throw new Error(`no heading ${JSON.stringify(heading)}`);
  const section = doc.slice(at);
  const lines = section.split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The first `code` span of a cell, or `undefined`. */
function code(cell: string): string | undefined {
  return /`([^`]+)`/.exec(cell)?.[1];
}

/** How the docs write a default: numbers without separators, as in code. */
function documented(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

describe("the README's settings tables match SETTINGS", () => {
  const configuration = tableAfter("## Configuration\n").map(([config, env, option, def]) => ({
    config: code(config!),
    env: code(env!),
    option: code(option!),
    def: code(def!),
  }));
  const clientOptions = tableAfter("| `createTurnKeyClient` option |").map(([option, def]) => ({ option: code(option!), def: code(def!) }));

  it("every setting read from the stack config or the environment has its row, with the same key, variable and default", () => {
    const rows = SETTINGS.filter((row) => row.group !== "call");
    expect(configuration).toHaveLength(rows.length);
    for (const row of rows) {
      const option = row.group === "limits" ? `limits.${row.option}` : row.option;
      const doc = configuration.find((r) => r.option === option);
      expect(doc, `README row for ${option}`).toBeDefined();
      expect(doc!.config).toBe(row.configKey);
      expect(doc!.env).toBe(row.env);
      expect(doc!.def).toBe(documented(row.default));
    }
  });

  it("each call setting's default is the client options table's", () => {
    for (const row of SETTINGS.filter((r) => r.group === "call")) {
      const doc = clientOptions.find((r) => r.option === row.option);
      expect(doc, `README row for ${row.option}`).toBeDefined();
      expect(doc!.def).toBe(documented(row.default));
    }
  });
});

describe("docs/installation-configuration.md's tables match SETTINGS", () => {
  const rows = (heading: string) => tableAfter(heading, INSTALLATION).map(([key, env, def]) => ({ key: code(key!), env: code(env!), def: code(def!) }));

  it("the plugin's table has every setting of the plugin, with its key, variable and default", () => {
    const plugin = SETTINGS.filter((row) => row.plugin);
    expect(rows("### Python, Go and YAML (the plugin)")).toEqual(
      plugin.map((row) => ({ key: `cloudflare-turn-lookup:${row.option}`, env: row.env, def: documented(row.default) })),
    );
  });

  it("the TypeScript forms' table has every stack-config key, with its variable and default", () => {
    const program = SETTINGS.filter((row) => row.configKey !== undefined);
    expect(rows("### TypeScript and JavaScript")).toEqual(program.map((row) => ({ key: row.configKey, env: row.env, def: documented(row.default) })));
  });

  it("both pages carry the front matter the Pulumi Registry reads", () => {
    for (const file of ["docs/_index.md", "docs/installation-configuration.md"]) {
      const text = fs.readFileSync(path.join(REPO, file), "utf8");
      const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "";
      expect(front, file).toMatch(/^title: \S.*$/m);
      expect(front, file).toMatch(/^meta_desc: \S.*$/m);
      expect(front, file).toMatch(/^layout: package$/m);
    }
  });
});

describe("the supported Node.js versions", () => {
  it("are stated in the docs as package.json's engines says them, and nowhere else differently", () => {
    const engines = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    for (const [file, text] of [
      ["README.md", README],
      ["docs/installation-configuration.md", INSTALLATION],
    ] as const) {
      const ranges = [...text.matchAll(/`(\^\d+\.\d+\.\d+(?: \|\| \^\d+\.\d+\.\d+)+)`/g)].map((m) => m[1]);
      expect(ranges.length, file).toBeGreaterThan(0);
      expect(new Set(ranges), file).toEqual(new Set([engines]));
      // No other statement of a floor, such as "Node.js 20.18.1 or newer".
      expect(text, file).not.toMatch(/Node\.js \d+\.\d+\.\d+ or newer/);
    }
  });
});
