/** Fixed ids and a canary credential shared by the test suites. */
export const ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353";
export const KEY_ID = "2a95132c15732412d22c1476fa83f27a";
export const OTHER_KEY_ID = "0123456789abcdef0123456789abcdef";
/** A token that must never appear in any message, log, state or serialized provider. */
export const CANARY_TOKEN = "canary-token-5f3c9e1d7a2b4c6e8f0a1b3c5d7e9f11";
