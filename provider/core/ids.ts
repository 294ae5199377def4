import { TurnKeyInputError } from "./errors";
import { PROGRAM_NAMES, type SettingNames, accountAdvice } from "./settings";

/** The id fields a lookup takes. */
export type IdField = "accountId" | "keyId";

/**
 * The shape of every Cloudflare account and TURN key id, defined once for the
 * client, the response schema and the emulator. Cloudflare issues both as 32
 * lowercase hexadecimal characters. Accepting only that shape is also what
 * keeps every id from changing the request's path or query (`/`, `?`, `#`,
 * `%`, `..`, spaces and unicode look-alikes all fall outside it).
 */
export const ID_PATTERN = /^[0-9a-f]{32}$/;
const ID_LENGTH = 32;
const SHOWN_CHARACTERS = 80;

/**
 * Returns `value` if it is a well-formed Cloudflare id, else throws a
 * {@link TurnKeyInputError} naming `field` and showing what was wrong; a
 * missing account names where the face (`names`) sets one.
 */
export function validateId(field: IdField, value: unknown, names: SettingNames = PROGRAM_NAMES): string {
  if (typeof value === "string" && ID_PATTERN.test(value)) return value;
  throw new TurnKeyInputError(field, `${field} ${describeProblem(field, value, names)}`);
}

function describeProblem(field: IdField, value: unknown, names: SettingNames): string {
  const expected = `must be ${ID_LENGTH} lowercase hexadecimal characters, as Cloudflare issues it`;
  if (value === undefined || value === null || value === "") {
    const hint = field === "accountId" ? ` (${accountAdvice(names)})` : "";
    return `is missing${hint}; it ${expected}.`;
  }
  if (typeof value !== "string") return `must be a string, got ${typeof value}; it ${expected}.`;
  const shown = show(value);
  const bad = [...value].findIndex((ch) => !/[0-9a-f]/.test(ch));
  if (bad >= 0) {
    const ch = [...value][bad];
    const what = /[A-F]/.test(ch) ? `an uppercase letter ${show(ch)} (use lowercase)` : `the character ${show(ch)}${describeCharacter(ch)}`;
    return `${expected}, but ${shown} has ${what} at position ${bad + 1}.`;
  }
  return `${expected}, but ${shown} has ${[...value].length} characters.`;
}

function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp > 0x7e) return ` (U+${cp.toString(16).toUpperCase().padStart(4, "0")}, not ASCII)`;
  if (/\s/.test(ch)) return " (white space)";
  if ("/?#%&.\\".includes(ch)) return " (it could change the request URL)";
  return "";
}

/** Quotes `value` with control and non-ASCII characters escaped, cut to a readable length. */
function show(value: string): string {
  const chars = [...value];
  const cut = chars.length > SHOWN_CHARACTERS;
  const escaped = chars
    .slice(0, SHOWN_CHARACTERS)
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      if (ch === '"' || ch === "\\") return `\\${ch}`;
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `\\x${cp.toString(16).padStart(2, "0")}`;
      if (cp > 0x7e) return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
      return ch;
    })
    .join("");
  return `"${escaped}"${cut ? `… (${chars.length} characters)` : ""}`;
}

/** Longest name accepted for a lookup by name; Cloudflare's names are short descriptions. */
const MAX_NAME_LENGTH = 1024;

/**
 * Returns `value` if it can be a TURN key's name: any string (the empty one
 * included, Cloudflare's default) up to a sane length. Else throws a
 * {@link TurnKeyInputError} for `name`.
 */
export function validateName(value: unknown): string {
  if (typeof value !== "string") {
    throw new TurnKeyInputError("name", `name must be a string (the TURN key's name, "" included); got ${value === null ? "null" : typeof value}.`);
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw new TurnKeyInputError("name", `name is ${value.length} characters long; a TURN key's name is at most ${MAX_NAME_LENGTH}.`);
  }
  return value;
}
