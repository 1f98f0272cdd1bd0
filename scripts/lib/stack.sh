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
# The UIs as deploy/kind/cluster.yaml publishes them on the host.
GRAFANA_HOST_URL=http://localhost:3000
PROMETHEUS_HOST_URL=http://localhost:9090
ALERTMANAGER_HOST_URL=http://localhost:9093

# chart_app_version CHART_DIR: the chart's appVersion (the image tag the chart defaults to).
chart_app_version() {
  sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$1/Chart.yaml"
}
