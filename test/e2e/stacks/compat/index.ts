// A program written against @pulumi/cloudflare's getCallsTurnApp(s). The
// compat tests compile it as is, and again with only its import line changed
// to "pulumi-cloudflare-turn-lookup/compat"; the end-to-end suite runs that variant.
import * as pulumi from "@pulumi/pulumi";
import { getCallsTurnApp, getCallsTurnAppOutput, getCallsTurnApps, getCallsTurnAppsOutput } from "@pulumi/cloudflare";
import { Consumer } from "../shared/resources";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const keyId = config.require("keyId");

const app = getCallsTurnAppOutput({ accountId: pulumi.output(accountId), keyId });
const apps = getCallsTurnAppsOutput({ accountId, maxItems: 10 });
const first = getCallsTurnApp({ accountId, keyId }, { parent: undefined });
const all = getCallsTurnApps({ accountId });

// Plays a Worker binding: the uid must be a real value in its planned inputs.
new Consumer("worker-binding", { TURN_KEY_ID: app.uid });

export const uid: pulumi.Output<string> = app.uid;
export const name: pulumi.Output<string> = app.name;
export const created: pulumi.Output<string> = app.created;
export const modified: pulumi.Output<string> = app.modified;
export const keyIdOut: pulumi.Output<string> = app.keyId;
export const accountIdOut: pulumi.Output<string> = app.accountId;
export const listedUids: pulumi.Output<string[]> = apps.results.apply((rs) => rs.map((r) => r.uid));
export const maxItems = apps.apply((a) => a.maxItems ?? null);
export const promisedName: Promise<string> = first.then((r) => r.name);
export const promisedCount: Promise<number> = all.then((r) => r.results.length);
