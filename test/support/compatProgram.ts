import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./packed";

/** A program written against @pulumi/cloudflare's getCallsTurnApp(s). */
export const COMPAT_PROGRAM = path.join(REPO, "test/e2e/stacks/compat/index.ts");
/** Its one import line's source, as written. */
export const BRIDGED_IMPORT = 'from "@pulumi/cloudflare";';

/** The program with only its import line changed: what a user moving to this package runs. */
export function portedCompatProgram(): string {
  return fs.readFileSync(COMPAT_PROGRAM, "utf8").replace(BRIDGED_IMPORT, 'from "pulumi-cloudflare-turn-lookup/compat";');
}
