#!/usr/bin/env bash
# GitHub's own workflow parser, @actions/workflow-parser 0.3.61 (pinned by it/e2e/workflow-parser/package-lock.json,
# Node >= 20): WorkflowTemplatesTest validates the workflow templates under src/site/resources/templates/github and
# .github/workflows with it.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v node >/dev/null 2>&1 || { echo "node (>= 20) is required for it/e2e/workflow-parser" >&2; exit 1; }
cd "$here/it/e2e/workflow-parser"
if [ ! -d node_modules/@actions/workflow-parser ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
