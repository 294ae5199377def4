import * as fs from "node:fs";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

// Program tests import the package as users write it; in this repository
// those imports are the sources next to them, mapped once in tsconfig.json.
const { paths } = (JSON.parse(fs.readFileSync(path.join(__dirname, "tsconfig.json"), "utf8")) as { compilerOptions: { paths: Record<string, string[]> } })
  .compilerOptions;
const alias = Object.entries(paths).map(([name, [target]]) => ({ find: new RegExp(`^${name}$`), replacement: path.resolve(__dirname, target!) }));

// Files whose tests bound how long something takes (deadlines, backoff, a
// 10,000-key list). They run once everything else has finished, so that
// their clocks do not share two cores with the engine tests' CLIs.
const TIMED = ["test/unit/sharing.test.ts", "test/unit/faults.test.ts", "test/unit/client.test.ts", "test/unit/emulator-list.test.ts"];

// The plugin's programs in other languages: a lane names the languages it
// runs (lanes.json's "programs"); by default every one runs.
const PROGRAMS: Record<string, string[]> = {
  yaml: ["test/e2e/pluginYaml.test.ts", "test/e2e/pluginEngine.test.ts"],
  python: ["test/e2e/pluginPython.test.ts"],
  go: ["test/e2e/pluginGo.test.ts"],
};
const chosen = process.env.PULUMI_TURN_LOOKUP_PROGRAMS?.split(",").filter(Boolean) ?? Object.keys(PROGRAMS);
const NOT_IN_LANE = Object.entries(PROGRAMS)
  .filter(([language]) => !chosen.includes(language))
  .flatMap(([, files]) => files);

export default defineConfig({
  resolve: { alias },
  test: {
    setupFiles: ["test/support/canaryScan.ts"],
    // Packs the package once for every file that installs it.
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file in its own process: what a program run or a provider process holds starts fresh.
    pool: "forks",
    // Two files at a time: an end-to-end file spends much of its time waiting on the CLI's processes.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: [...TIMED, ...NOT_IN_LANE] } },
      // One file at a time, on a machine nothing else of the run is using.
      { extends: true, test: { name: "timed", include: TIMED, poolOptions: { forks: { singleFork: true } }, sequence: { groupOrder: 1 } } },
    ],
  },
});
