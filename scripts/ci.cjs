// @ts-check
"use strict";
// Whether this run is CI's: any value of CI but "", "0" and "false" (in any
// case), as CI services set it ("true", "1", "yes"). Shared by the lane
// runner and the end-to-end tests, so that both read CI alike.

/**
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {boolean}
 */
function isCI(env = process.env) {
  const value = (env.CI ?? "").trim().toLowerCase();
  return value !== "" && value !== "0" && value !== "false";
}

module.exports = { isCI };
