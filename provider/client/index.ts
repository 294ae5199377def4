/**
 * The client layer's public API, as its faces see it: the client itself,
 * and the check of a call's connection settings. The Pulumi layer and the
 * plugin import the client from here only (a lint rule keeps it so).
 */
export { createTurnKeyClient } from "./client";
export { checkConnection } from "./connection";
