# shellcheck shell=bash
# Names the deploy scripts share. Shell cannot import the TypeScript contract,
# so these are copies; packages/chart-tests checks each against the contract
# (NAMESPACE, RELEASE, SERVER, STACK), the charts and deploy/kind/cluster.yaml.

MENAGERIE_CLUSTER=menagerie            # deploy/kind/cluster.yaml `name`
MENAGERIE_KUBE_CONTEXT=kind-menagerie  # the context kind creates for it
MENAGERIE_NAMESPACE=menagerie          # contract NAMESPACE
MENAGERIE_RELEASE=menagerie            # contract RELEASE
MENAGERIE_SERVER=menagerie-server      # contract SERVER.name (Deployment, Service, image)
MENAGERIE_CLIENT=menagerie-client      # contract CLIENT.name
MENAGERIE_SERVER_PORT=8080             # contract SERVER.port
PROMETHEUS_SERVICE=kps-prometheus      # contract STACK.prometheus
PROMETHEUS_PORT=9090
GRAFANA_ADMIN_SECRET=grafana-admin     # umbrella grafana.admin.existingSecret
# The UIs and the API through the Gateway on kind: one loopback port (the
# hostPort deploy/kind/cluster.yaml maps to the gateway's node port) and a host
# name per route (the umbrella's gateway.hosts, under gateway.domain).
GATEWAY_HOST_PORT=8000
GATEWAY_DOMAIN=menagerie.localhost
GRAFANA_HOST_URL=http://grafana.$GATEWAY_DOMAIN:$GATEWAY_HOST_PORT
API_HOST_URL=http://api.$GATEWAY_DOMAIN:$GATEWAY_HOST_PORT
PROMETHEUS_HOST_URL=http://prometheus.$GATEWAY_DOMAIN:$GATEWAY_HOST_PORT
ALERTMANAGER_HOST_URL=http://alertmanager.$GATEWAY_DOMAIN:$GATEWAY_HOST_PORT
# The fallback: the Services' ports forwarded to these local ports.
GRAFANA_SERVICE=grafana                # contract STACK.grafana
GRAFANA_PORT=80
ALERTMANAGER_SERVICE=kps-alertmanager  # contract STACK.alertmanager
ALERTMANAGER_PORT=9093

# Docker memory kind-up.sh asks for before it starts: the stack's requests
# (2.42 GiB with Alloy, the larger collector; packages/chart-tests adds them up
# from the rendered objects and checks this figure covers them) plus about
# 1 GiB for kind's own control plane, rounded up.
MENAGERIE_MIN_DOCKER_MEMORY_GIB=4

# image_tag: the tag kind-up.sh builds, loads and deploys: the commit, plus
# -dirty-<digest of the uncommitted changes> when the work tree differs from
# it. A code change always gives a new tag, so the pods roll even with
# imagePullPolicy IfNotPresent; the same tree gives the same tag.
image_tag() {
  local revision
  revision=$(git -C "$MENAGERIE_ROOT" rev-parse --short=12 HEAD 2>/dev/null) || revision=untracked
  if [ "$revision" != untracked ] && git -C "$MENAGERIE_ROOT" diff --quiet HEAD 2>/dev/null &&
    [ -z "$(git -C "$MENAGERIE_ROOT" ls-files --others --exclude-standard 2>/dev/null)" ]; then
    echo "$revision"
    return
  fi
  # Only a changed tree pays for the digest of its changes.
  echo "$revision-dirty-$({
    git -C "$MENAGERIE_ROOT" diff HEAD 2>/dev/null
    git -C "$MENAGERIE_ROOT" ls-files --others --exclude-standard -z 2>/dev/null |
      (cd "$MENAGERIE_ROOT" && xargs -0 -r sha256sum)
  } | sha256sum | cut -c1-8)"
}
