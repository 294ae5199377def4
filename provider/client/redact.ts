/** Text that stands in for a secret wherever one would have been shown. */
const REDACTED = "[redacted]";

const MAX_SERVER_TEXT = 300;

/** Server text made safe for a message: secrets removed (a broken server may echo one), control characters stripped, cut short. */
export function sanitizeServerText(text: string, secrets: readonly string[]): string {
  let out = redactSecrets(text, secrets)
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (out.length > MAX_SERVER_TEXT) out = `${out.slice(0, MAX_SERVER_TEXT)}…`;
  return out;
}

/** Replaces each secret (of four characters or more) in `text` by {@link REDACTED}. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
