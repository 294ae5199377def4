// Look up existing Cloudflare Calls (Realtime) TURN keys, by id or by name, with their values known in `pulumi preview`.
package cloudflareturnlookup
