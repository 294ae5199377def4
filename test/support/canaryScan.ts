// Runs in every test file: records everything written to the console and to
// stdout/stderr, and fails the file if the canary credential appears in it.
import { format } from "node:util";
import { afterAll, expect } from "vitest";
import { CANARY_TOKEN } from "./ids";

const written: string[] = [];

for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    written.push(format(...args));
    original(...args);
  };
}
for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(String(chunk));
    return original(chunk, ...rest);
  }) as typeof stream.write;
}

afterAll(() => {
  expect(written.join("\n")).not.toContain(CANARY_TOKEN);
});
