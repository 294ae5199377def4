/**
 * Loads one of the plugin's bundles with V8's code cache: compiling the
 * bundles is most of the plugin's own start, which the engine pays on every
 * operation (twice in a YAML preview). The cache sits in the user's cache
 * folder, keyed by the bundle's content and the Node.js version; V8 checks
 * it against the source and ignores a cache that does not match. Nothing
 * in it depends on a run: it holds compiled code, no value.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";

/** A loaded bundle, and a way to store its compiled code once it has run (so that lazily compiled functions are in). */
export interface Bundle<T> {
  readonly exports: T;
  /** Writes the code cache if there was none that fit; never throws. */
  saveCache(): void;
}

function cacheFolder(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-cloudflare-turn-lookup", "plugin-code-cache");
}

/** Requires the CommonJS bundle `file` as Node.js would, compiled from the code cache when one fits. */
export function requireBundle<T>(file: string): Bundle<T> {
  const source = fs.readFileSync(file, "utf8");
  const digest = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const cacheFile = path.join(cacheFolder(), `${path.basename(file)}-${process.version}-${process.arch}-${digest}`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet: compile from source.
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = [];
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  const fits = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: mod.exports as T,
    saveCache() {
      if (fits) return;
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        // Written beside, then renamed: a plugin started meanwhile reads a whole cache or none.
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, script.createCachedData());
        fs.renameSync(partial, cacheFile);
      } catch {
        // A read-only home only costs the next start its compile.
      }
    },
  };
}
