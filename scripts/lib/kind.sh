# shellcheck shell=bash
# The kind steps kind-up.sh and flux-up.sh share. Needs toolchain.sh and
# stack.sh sourced first (log, MENAGERIE_CLUSTER, MENAGERIE_KUBE_CONTEXT, …).

# ensure_kind_cluster: creates the cluster from deploy/kind/cluster.yaml, or
# reuses it, and makes it kubectl's current context.
ensure_kind_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "$MENAGERIE_CLUSTER"; then
    log "reusing the existing cluster"
  else
    kind create cluster --config deploy/kind/cluster.yaml --wait 180s
  fi
  kubectl config use-context "$MENAGERIE_KUBE_CONTEXT" >/dev/null
}

# load_app_images TAG: builds the server and client images from this work
# tree, tagged TAG, and loads them into the cluster. Through an image archive
# rather than `kind load docker-image`, which fails with Docker's containerd
# image store (the default in recent Docker Desktop).
load_app_images() {
  local tag=$1 revision archive_dir app image
  revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  archive_dir=$(mktemp -d -t menagerie-images.XXXXXX)
  for app in "$MENAGERIE_SERVER" "$MENAGERIE_CLIENT"; do
    image="$app:$tag"
    printf '\n[menagerie] == building %s\n' "$image" >&2
    docker build --build-arg "APP=${app#menagerie-}" --build-arg "MENAGERIE_REVISION=$revision" \
      --tag "$image" .
    docker save --output "$archive_dir/$app.tar" "$image"
    kind load image-archive --name "$MENAGERIE_CLUSTER" "$archive_dir/$app.tar"
  done
  rm -rf "$archive_dir"
}

# print_stack_urls LOGIN: where the stack answers on this machine, through the
# Gateway and, as the fallback, through kubectl port-forward.
print_stack_urls() {
  cat <<URLS
Through the Gateway (Envoy Gateway), by host name on one local port:
  Grafana        $GRAFANA_HOST_URL      login: $1
                 (dashboards in the Menagerie folder; Explore for Loki logs and Tempo traces)
  The API        $API_HOST_URL/animals
  Prometheus     $PROMETHEUS_HOST_URL
  Alertmanager   $ALERTMANAGER_HOST_URL
  (*.localhost resolves to 127.0.0.1 in browsers and curl; for other clients:
   curl --resolve grafana.$GATEWAY_DOMAIN:$GATEWAY_HOST_PORT:127.0.0.1 $GRAFANA_HOST_URL)
The fallback without the Gateway, kubectl port-forward, then http://localhost:<port>:
  kubectl -n $MENAGERIE_NAMESPACE port-forward svc/$GRAFANA_SERVICE 3000:$GRAFANA_PORT
  kubectl -n $MENAGERIE_NAMESPACE port-forward svc/$MENAGERIE_SERVER $MENAGERIE_SERVER_PORT:$MENAGERIE_SERVER_PORT
  kubectl -n $MENAGERIE_NAMESPACE port-forward svc/$PROMETHEUS_SERVICE $PROMETHEUS_PORT:$PROMETHEUS_PORT
  kubectl -n $MENAGERIE_NAMESPACE port-forward svc/$ALERTMANAGER_SERVICE $ALERTMANAGER_PORT:$ALERTMANAGER_PORT
URLS
}

# grafana_login: "admin / <password>" from the Secret the chart generates, or
# the command that prints it (CI logs show no password).
grafana_login() {
  if [ "${CI:-false}" = true ]; then
    echo "admin / \$(kubectl -n $MENAGERIE_NAMESPACE get secret $GRAFANA_ADMIN_SECRET -o jsonpath='{.data.admin-password}' | base64 -d)"
  else
    echo "admin / $(kubectl --context "$MENAGERIE_KUBE_CONTEXT" -n "$MENAGERIE_NAMESPACE" get secret "$GRAFANA_ADMIN_SECRET" \
      -o jsonpath='{.data.admin-password}' | base64 -d)"
  fi
}

# The Flux release flux-up.sh installs (`flux install --version`): the 2.8 line,
# whose APIs (source v1, helm v2, kustomize v1) are the ones the chart tests
# validate deploy/flux against. The flux CLI must be 2.8 or newer.
# shellcheck disable=SC2034 # read by flux-up.sh
MENAGERIE_FLUX_VERSION=v2.8.8
