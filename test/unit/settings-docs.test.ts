// The README's settings tables say what the settings table in the code says:
// every row, its stack-config key, environment variable, option and default.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../provider/core/settings";
import { REPO } from "../support/packed";

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

/** The rows of the first table after `heading`, as cells. */
function tableAfter(heading: string): string[][] {
  const section = README.slice(README.indexOf(heading));
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
