// Typos in the stack config's keys: near misses of ours and unknown
// turnKeyLookup: keys are named, never their values.
import { describe, expect, it } from "vitest";
import { TurnKeyInputError } from "../../provider/core/errors";
import { PROGRAM_NAMES } from "../../provider/core/settings";
import { configKeyHints, nearMissSentence, withConfigHints } from "../../provider/core/configHints";
import { PLUGIN_NAMES } from "../../provider/plugin/config";

describe("configKeyHints", () => {
  it.each([
    ["another case", "cloudflare:apitoken", "cloudflare:apiToken"],
    ["one letter off", "cloudflare:baseURL", "cloudflare:baseUrl"],
    ["a letter missing", "turnKeyLookup:maxConcurency", "turnKeyLookup:maxConcurrency"],
    ["the namespace one edit off", "cloudfare:apiToken", "cloudflare:apiToken"],
    ["the namespace in another case", "turnkeylookup:burst", "turnKeyLookup:burst"],
  ])("%s: %s is a near miss of %s", (_what, key, meant) => {
    expect(configKeyHints([key, "project:keyId"], PROGRAM_NAMES)).toEqual({ nearMisses: [{ key, meant }], unknown: [] });
  });

  it("a near miss of a key that is set too is no near miss: both may be meant", () => {
    expect(configKeyHints(["cloudflare:apitoken", "cloudflare:apiToken"], PROGRAM_NAMES)).toEqual({ nearMisses: [], unknown: [] });
  });

  it("an unknown turnKeyLookup: key is named; other namespaces are other packages' business", () => {
    expect(configKeyHints(["turnKeyLookup:timeoutMs", "cloudflare:zoneId", "aws:region", "turnKeyLookup:burst"], PROGRAM_NAMES)).toEqual({
      nearMisses: [],
      unknown: ["turnKeyLookup:timeoutMs"],
    });
  });
});

describe("withConfigHints", () => {
  const hints = configKeyHints(["cloudflare:apitoken"], PROGRAM_NAMES);

  it("adds the near miss to the missing-credential error, and nothing of any value", () => {
    const err = withConfigHints(new TurnKeyInputError("apiToken", "No Cloudflare credential found."), hints, PROGRAM_NAMES) as TurnKeyInputError;
    expect(err).toBeInstanceOf(TurnKeyInputError);
    expect(err.field).toBe("apiToken");
    expect(err.message).toBe(
      "No Cloudflare credential found. cloudflare:apitoken is set, but cloudflare:apiToken is not: did you mean cloudflare:apiToken? " +
        "Config keys are case-sensitive (pulumi config rm cloudflare:apitoken, then set cloudflare:apiToken).",
    );
    expect(nearMissSentence({ key: "cloudflare:apitoken", meant: "cloudflare:apiToken" })).toBe(err.message.slice("No Cloudflare credential found. ".length));
  });

  it("leaves an error about another setting, and any other error, as it is", () => {
    const limit = new TurnKeyInputError("burst", "turnKeyLookup:burst must be a whole number.");
    expect(withConfigHints(limit, hints, PROGRAM_NAMES)).toBe(limit);
    const other = new Error("boom");
    expect(withConfigHints(other, hints, PROGRAM_NAMES)).toBe(other);
  });
});

describe("the plugin's keys", () => {
  it.each([
    ["another case", "cloudflare-turn-lookup:apitoken", "cloudflare-turn-lookup:apiToken"],
    ["one letter off", "cloudflare-turn-lookup:baseURL", "cloudflare-turn-lookup:baseUrl"],
    ["a letter missing", "cloudflare-turn-lookup:maxConcurency", "cloudflare-turn-lookup:maxConcurrency"],
  ])("%s: %s is a near miss of %s", (_what, key, meant) => {
    expect(configKeyHints([key, "cloudflare-turn-lookup:accountId"], PLUGIN_NAMES)).toEqual({ nearMisses: [{ key, meant }], unknown: [] });
  });

  it("an unknown key of the plugin's namespace is named; the plugin's own timeoutMs is known", () => {
    expect(configKeyHints(["cloudflare-turn-lookup:zoneId", "cloudflare-turn-lookup:timeoutMs", "cloudflare:apiToken"], PLUGIN_NAMES)).toEqual({
      nearMisses: [],
      unknown: ["cloudflare-turn-lookup:zoneId"],
    });
  });
});
