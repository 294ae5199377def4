// A generated stack for the engine benchmark: `count` lookups over `distinct` keys.
import * as pulumi from "@pulumi/pulumi";
import { TurnKeyLookup } from "pulumi-cloudflare-turn-lookup";

const config = new pulumi.Config();
const accountId = config.require("accountId");
const count = config.requireNumber("count");
const distinct = Math.max(1, config.requireNumber("distinct"));

const keys = Array.from({ length: count }, (_, i) => new TurnKeyLookup(`key-${i}`, { accountId, keyId: (i % distinct).toString(16).padStart(32, "0") }));

export const names = keys.map((k) => k.name);
