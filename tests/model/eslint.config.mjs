// ESLint configuration for vetting the offline catalogue's JavaScript and
// TypeScript snippets: the recommended rules plus the security plugins, with
// the dynamic-code rules as errors. Inline disable comments are ignored so a
// snippet cannot silence a rule.
import js from "@eslint/js";
import globals from "globals";
import security from "eslint-plugin-security";
import nounsanitized from "eslint-plugin-no-unsanitized";
import tseslint from "typescript-eslint";

export default [
  { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" } },
  js.configs.recommended,
  security.configs.recommended,
  nounsanitized.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ["**/*.ts"] })),
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { ...globals.node } },
    rules: {
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
    },
  },
];
