#!/usr/bin/env bash
# Installs everything Menagerie's tests need, then lints, builds and tests every
# package. Ends with one line: "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"

# Real tools the tests run against; a missing one is installed, never skipped.
ensure_debian_packages promtool=prometheus prometheus-alertmanager=prometheus-alertmanager prometheus-blackbox-exporter=prometheus-blackbox-exporter unzip=unzip shellcheck=shellcheck
ensure_node
ensure_pnpm
ensure_helm
ensure_schemathesis
ensure_go_tools
ensure_chart_testing
ensure_kubernetes_schemas
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

log "node $(node --version), pnpm $(pnpm --version), $(helm version --short), $(promtool --version 2>&1 | head -1), $("$TOOLS_DIR/schemathesis/bin/schemathesis" --version)"
log "$(go_tool_versions), $(yamllint --version), yamale $(yamale --version), shellcheck $(shellcheck --version | sed -n 's/^version: //p'), Kubernetes schemas $(pinned_kubernetes_version)"
pnpm install --frozen-lockfile || die "pnpm install failed"

find packages -maxdepth 2 -name .test-results.json -delete
pnpm exec turbo run lint:repo lint build test --continue
turbo_status=$?

node - "$turbo_status" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
let passed = 0, failed = 0, skipped = 0;
for (const pkg of fs.readdirSync('packages')) {
  const file = path.join('packages', pkg, '.test-results.json');
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.passes; failed += r.failures; skipped += r.pending;
}
// A failed lint or build fails the run even when every test that ran passed.
if (Number(process.argv[2]) !== 0 && failed === 0) {
  console.error('lint, build or a test run failed (see above)');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
JS
