import * as fs from "node:fs";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

// Program tests import the package as users write it; in this repository
// those imports are the sources next to them, mapped once in tsconfig.json.
const { paths } = (JSON.parse(fs.readFileSync(path.join(__dirname, "tsconfig.json"), "utf8")) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions;
const alias = Object.entries(paths).map(([name, [target]]) => ({ find: new RegExp(`^${name}$`), replacement: path.resolve(__dirname, target!) }));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/canaryScan.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file in its own process: what a program run or a provider process holds starts fresh.
    pool: "forks",
  },
});
