/**
 * `pulumi-resource-cloudflare-turn-lookup`: the engine starts this file on
 * the user's Node.js. The version check comes first and needs nothing
 * loaded, so that an unsupported Node.js gets one line, not a syntax error
 * from a dependency.
 */
/** package.json's `engines.node`, put in by the build (scripts/build-plugin.mjs): the one statement of the supported versions. */
declare const NODE_ENGINES: string;

/** Whether `version` is in `range`, alternatives of caret ranges such as `^20.18.1 || ^22.0.0`. */
function supported(version: string, range: string): boolean {
  const [major, minor, patch] = version.split(".").map(Number);
  return range.split("||").some((alternative) => {
    const [m, n, p] = alternative.trim().replace(/^\^/, "").split(".").map(Number);
    return major === m && (minor > n || (minor === n && patch >= p));
  });
}

if (!supported(process.versions.node, NODE_ENGINES)) {
  process.stderr.write(
    `pulumi-resource-cloudflare-turn-lookup runs on Node.js ${NODE_ENGINES}; the node on PATH is v${process.versions.node} (${process.execPath}). ` +
      "Install a supported Node.js, or put one first on PATH.\n",
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
