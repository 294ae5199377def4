/**
 * Values as the engine sends them to a provider plugin and takes them back:
 * a `google.protobuf.Struct` whose secrets and unknowns are marked with
 * Pulumi's signatures. The plugin's logic sees plain values and a flag.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { SECRET_SIG, SIG_KEY } from "./markers";

/** A property map without its secret marks, and whether any value in it was secret. */
export interface Unwrapped {
  readonly values: Record<string, unknown>;
  readonly secret: boolean;
}

/** The plain values of `struct`, secret marks removed (and counted). */
export function unwrap(struct: Struct | undefined): Unwrapped {
  let secret = false;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) {
      secret = true;
      return strip(record.value);
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, strip(v)]));
  };
  const values = strip(struct?.toJavaScript() ?? {}) as Record<string, unknown>;
  return { values, secret };
}

/** The top-level properties of `struct` that are marked secret. */
export function secretProperties(struct: Struct | undefined): string[] {
  const raw = struct?.toJavaScript() ?? {};
  return Object.keys(raw).filter((key) => {
    const value = raw[key];
    return typeof value === "object" && value !== null && !Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
  });
}

/** A `Struct` of `values`, with every property marked secret when `secret` is `true`, or those it names. */
export function wrap(values: object, secret: boolean | readonly string[] = false): Struct {
  const isSecret = (key: string): boolean => (typeof secret === "boolean" ? secret : secret.includes(key));
  const marked =
    secret === false
      ? values
      : Object.fromEntries(Object.entries(values).map(([k, v]) => [k, isSecret(k) ? { [SIG_KEY]: SECRET_SIG, value: v as unknown } : v]));
  return Struct.fromJavaScript(marked as Parameters<typeof Struct.fromJavaScript>[0]);
}
