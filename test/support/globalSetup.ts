// Runs once per test run, before any test file: packs the package with
// `npm pack`, so that every file that installs it installs the same tarball
// and none packs it again. The path reaches the test processes, which start
// after this, through their environment.
import { PACKED_TARBALL_ENV, packOnce } from "./pack";

export default function setup(): void {
  process.env[PACKED_TARBALL_ENV] ??= packOnce();
}
