// ESLint for the book's own browser scripts (tests/test_explorer.py runs it in `make test`).
"use strict";

const js = require("@eslint/js");

module.exports = [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {window: "readonly", document: "readonly"},
    },
    rules: {
      "no-console": "error",
      "no-var": "off",
      eqeqeq: "error",
      strict: ["error", "function"],
    },
  },
];
