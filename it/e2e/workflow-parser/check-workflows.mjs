// Validates GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser, the library behind the
// Actions language service): the YAML, the workflow schema (keys, types, permissions scopes and levels, cron
// syntax, expressions) and the model conversion (job ids, needs, reusable workflow references).
// Usage: node check-workflows.mjs FILE...   Prints one JSON object per file:
//   {"file": "...", "errors": ["ci.yml (Line: 3, Col: 5): Unexpected value 'foo'", ...]}
// and exits 1 when any file has an error, 2 on a usage or I/O problem.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { register } from "node:module";

register("./json-loader.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check-workflows.mjs FILE...");
  process.exit(2);
}
let failed = false;
for (const path of files) {
  let content;
  try {
    content = readFileSync(path, "utf8");
  } catch (e) {
    console.error(`${path}: ${e.message}`);
    process.exit(2);
  }
  const parsed = parseWorkflow({ name: basename(path), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) {
      if (!errors.includes(e.Message)) {
        errors.push(e.Message);
      }
    }
  } else if (parsed.value === undefined && errors.length === 0) {
    errors.push(`${basename(path)}: the parser returned no workflow`);
  }
  failed = failed || errors.length > 0;
  console.log(JSON.stringify({ file: path, errors }));
}
process.exit(failed ? 1 : 0);
