// Validates Dockerfiles with the dockerfile-utils validator (the checks of VS Code's Docker
// extension and of dockerfile-language-server-nodejs), as one process checking many files,
// like `plimsoll check` and `hadolint` given the same files.
//
// Usage: node dockerfile-utils-check.mjs MODULE_DIR FILE...
//   MODULE_DIR: the folder holding node_modules/dockerfile-utils (scripts/bench installs it)
// Prints one JSON array: for each file, its path and the validator's diagnostics.
// Exit code 0 when every file could be read, 2 otherwise.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [moduleDir, ...files] = process.argv.slice(2);
if (!moduleDir) {
  console.error("usage: node dockerfile-utils-check.mjs MODULE_DIR FILE...");
  process.exit(2);
}
const require = createRequire(join(moduleDir, "node_modules", "index.js"));
const { validate } = require("dockerfile-utils");

let failed = false;
const report = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    failed = true;
    continue;
  }
  report.push({ file, diagnostics: validate(text) });
}
process.stdout.write(JSON.stringify(report));
process.exitCode = failed ? 2 : 0;
