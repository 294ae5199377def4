@echo off
rem The cloudflare-turn-lookup provider plugin on Windows: the engine runs
rem pulumi-resource-<name>.exe or .cmd; this starts the bundled plugin beside
rem this file on the user's Node.js (the build writes in package.json's engines).
where node >nul 2>nul
if errorlevel 1 (
  echo pulumi-resource-cloudflare-turn-lookup needs Node.js NODE_ENGINES on PATH, and found no node command. Install Node.js, or put it on PATH. 1>&2
  exit /b 1
)
node "%~dp0plugin.js" %*
