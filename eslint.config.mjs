// @ts-check
// ESLint with typescript-eslint's type-checked rules, over the package's sources.
import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", ".lanes/**", "**/node_modules/**", "test/**", "bench/**", "scripts/**", "examples/**", "*.config.*"] },
  {
    files: ["provider/**/*.ts", "emulator/**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Modules load what a call needs when it needs it (undici's agent, zod, the SDK's internals): a lazy require.
      "@typescript-eslint/no-require-imports": "off",
      // Rejections and rethrows pass on what they were given: an abort's reason, a caught value.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Refusing control characters in credentials, headers and quoted text is the point of those patterns.
      "no-control-regex": "off",
    },
  },
  // No import cycle anywhere in the package: each layer, and each module in it, reads from the ground up.
  {
    files: ["provider/**/*.ts", "emulator/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
      // Read the imports of each module it follows, TypeScript ones included.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  // The layers: core knows no other layer; the HTTP client knows nothing of Pulumi; the Pulumi faces use the client's public API.
  {
    files: ["provider/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../client", "../client/*", "../engine/*", "../pulumi", "../pulumi/*", "../plugin", "../plugin/*", "@pulumi/pulumi", "@pulumi/pulumi/*"],
              message: "provider/core imports no other layer.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["provider/client/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../engine/*", "../pulumi", "../pulumi/*", "../plugin", "../plugin/*", "@pulumi/pulumi", "@pulumi/pulumi/*"],
              message: "provider/client knows nothing of Pulumi: it imports provider/core only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["provider/plugin/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../client/*"], message: "The plugin uses the client's public API: import from ../client." },
            { group: ["../pulumi", "../pulumi/*"], message: "The plugin is a face of its own: it does not use the Pulumi layer." },
            {
              regex: "^@pulumi/pulumi(?!/proto/)",
              message: "The plugin uses the SDK's generated gRPC stubs (@pulumi/pulumi/proto/*) only: the SDK's runtime is a program's, not a plugin's.",
            },
          ],
        },
      ],
    },
  },
  // The engine's services, shared by both faces: the SDK's generated gRPC stubs only, and no face.
  {
    files: ["provider/engine/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../*"], message: "provider/engine is shared by both faces: it imports no layer of the package." },
            { regex: "^@pulumi/pulumi(?!/proto/)", message: "provider/engine uses the SDK's generated gRPC stubs (@pulumi/pulumi/proto/*) only." },
          ],
        },
      ],
    },
  },
  {
    files: ["provider/pulumi/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../client/*"], message: "The Pulumi layer uses the client's public API: import from ../client." }] },
      ],
    },
  },
);
