import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Program tests import the examples as written; in this repository the
    // package they import is the source next to them.
    alias: { "pulumi-cloudflare-turn-lookup": path.resolve(__dirname, "provider/index.ts") },
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/canaryScan.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file in its own process: the client's process-wide limiter and cache start fresh.
    pool: "forks",
  },
});
