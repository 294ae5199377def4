/**
 * `pulumi-resource-cloudflare-turn-lookup`: the engine starts this file on
 * the user's Node.js. The version check comes first and needs nothing
 * loaded, so that an old Node.js gets one line, not a syntax error from a
 * dependency.
 */
const MINIMUM = [20, 18, 1] as const;

function tooOld(version: string): boolean {
  const have = version.split(".").map(Number);
  for (let i = 0; i < MINIMUM.length; i++) {
    if ((have[i] ?? 0) !== MINIMUM[i]) return (have[i] ?? 0) < MINIMUM[i];
  }
  return false;
}

if (tooOld(process.versions.node)) {
  process.stderr.write(
    `pulumi-resource-cloudflare-turn-lookup needs Node.js ${MINIMUM.join(".")} or newer; the node on PATH is v${process.versions.node} (${process.execPath}). ` +
      "Install a newer Node.js, or put one first on PATH.\n",
  );
  process.exit(1);
}

// Loaded after the check, and through the code cache: see codeCache.ts.
const server = (require("./codeCache") as typeof import("./codeCache")).requireBundle<typeof import("./server")>(`${__dirname}/server.js`);
server.exports.serve(process.argv.slice(2)).then(
  (port) => {
    // Before the port: the engine may stop a plugin as soon as it has asked for the schema.
    server.saveCache();
    // The engine reads the port from the first line of stdout.
    process.stdout.write(`${port}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`pulumi-resource-cloudflare-turn-lookup could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
