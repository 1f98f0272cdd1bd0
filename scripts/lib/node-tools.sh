# shellcheck shell=bash
# Builds the Node tools the deploy scripts run (the Chart.lock writer, the full
# render check, the rollback demo's SLO watch), all in packages/tools.
# Source after toolchain.sh.

build_node_tools() {
  ensure_node
  ensure_pnpm
  (cd "$MENAGERIE_ROOT" && pnpm install --frozen-lockfile --silent >&2 \
    && pnpm --silent --filter "@menagerie/tools..." run build >/dev/null) || die "building packages/tools failed"
}

# run_node_tool NAME ARGS...: runs packages/tools/dist/cli/NAME.js
run_node_tool() {
  local name=$1; shift
  node "$MENAGERIE_ROOT/packages/tools/dist/cli/$name.js" "$@"
}
