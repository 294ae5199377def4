/**
 * The client layer's public API, as the Pulumi layer sees it: the client
 * itself, and the check of a call's connection settings. The Pulumi layer
 * imports the client from here only (a lint rule keeps it so).
 */
export { createTurnKeyClient } from "./client";
export { checkConnection } from "./connection";
