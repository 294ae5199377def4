// Wiring: the reason this package exists. A Worker that mints TURN
// credentials needs the key's id (not secret) and the key's API token
// (secret). The id comes from the lookup, so it is known in `pulumi preview`
// and follows the key; the token stays a stack secret.
//
//   pulumi config set accountId 023e105f4ecef8ad9ca31a8372d0c353
//   pulumi config set turnKeyId 2a95132c15732412d22c1476fa83f27a
//   pulumi config set --secret turnKeyApiToken <the key's secret, shown once at creation>
//   pulumi config set --secret cloudflare:apiToken <token with "Calls Read" and "Workers Scripts Write">
//   pulumi up
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");

const turnKey = new TurnKeyLookup("realtime-turn-key", {
  accountId,
  keyId: config.require("turnKeyId"),
});

// Mints short-lived TURN credentials for browsers from the key's id and token.
const workerSource = `export default {
  async fetch(request, env) {
    const res = await fetch(
      "https://rtc.live.cloudflare.com/v1/turn/keys/" + env.TURN_KEY_ID + "/credentials/generate-ice-servers",
      {
        method: "POST",
        headers: { authorization: "Bearer " + env.TURN_KEY_API_TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ ttl: 86400 }),
      },
    );
    return new Response(res.body, { status: res.status, headers: { "content-type": "application/json" } });
  },
};
`;

const worker = new cloudflare.WorkersScript("realtime-ice-servers", {
  accountId,
  scriptName: config.get("scriptName") ?? "realtime-ice-servers",
  mainModule: "worker.js",
  content: workerSource,
  compatibilityDate: "2025-01-01",
  bindings: [
    { name: "TURN_KEY_ID", type: "plain_text", text: turnKey.uid },
    { name: "TURN_KEY_API_TOKEN", type: "secret_text", text: config.requireSecret("turnKeyApiToken") },
  ],
});

export const workerScriptName = worker.scriptName;
export const turnKeyUid = turnKey.uid;
export const turnKeyName = turnKey.name;
