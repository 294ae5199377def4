"""Reads one existing Cloudflare Calls TURN key by id, by name, in the account's list, and as a resource kept in state."""

import pulumi
import pulumi_cloudflare_turn_lookup as turn

config = pulumi.Config()
account_id = config.require("accountId")
key_id = config.require("keyId")

# Functions: read in preview and up, kept nowhere.
by_id = turn.lookup_turn_key(account_id=account_id, key_id=key_id)
by_name = turn.lookup_turn_key_by_name(account_id=account_id, name="production-realtime-app")
listed = turn.lookup_turn_keys(account_id=account_id)

# A resource: the key's fields kept in state, read again by `pulumi refresh`.
kept = turn.TurnKeyLookup("turn-key", account_id=account_id, key_id=key_id)

pulumi.export("name", by_id.name)
pulumi.export("uid", by_name.uid)
pulumi.export("key_count", len(listed.keys))
pulumi.export("kept_name", kept.name)
