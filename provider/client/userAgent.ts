import * as fs from "node:fs";
import * as path from "node:path";

/** This package's name. */
const PACKAGE_NAME = "pulumi-cloudflare-turn-lookup";

let version: string | undefined;

/** This package's version, from the nearest package.json of its name (source and build sit at different depths). */
function packageVersion(): string {
  for (let dir = __dirname; version === undefined; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    const pkg = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string }) : {};
    if (pkg.name === PACKAGE_NAME && pkg.version) version = pkg.version;
    else if (path.dirname(dir) === dir) version = "0.0.0";
  }
  return version;
}

/** The User-Agent: package and version, Node.js version, then the operator's suffix if any. */
export function userAgent(operatorSuffix?: string): string {
  const base = `${PACKAGE_NAME}/${packageVersion()} node/${process.versions.node}`;
  const suffix = operatorSuffix?.replace(/[\x00-\x1f\x7f]/g, "").trim();
  return suffix ? `${base} ${suffix}` : base;
}
