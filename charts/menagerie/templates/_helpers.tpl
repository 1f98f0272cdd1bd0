{{/*
Every cross-reference between the charts, computed from the upstream charts'
fullnameOverrides and port values (values.yaml). The contract's STACK lists
the same Service names and ports; the chart tests check they agree.
*/}}

{{- define "menagerie.labels" -}}
app.kubernetes.io/part-of: menagerie
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* A required fullnameOverride of an upstream chart: the Service names below depend on it. */}}
{{- define "menagerie.fullnameOf" -}}
{{- $chart := index .root.Values .chart -}}
{{- required (printf "%s.fullnameOverride must be set: the umbrella derives Service names from it" .chart) $chart.fullnameOverride -}}
{{- end }}

{{/* http://<service>.<namespace>.svc:<port> */}}
{{- define "menagerie.serviceUrl" -}}
{{- printf "http://%s.%s.svc:%d" .service .root.Release.Namespace (int .port) -}}
{{- end }}

{{- define "menagerie.prometheus.service" -}}
{{- printf "%s-prometheus" (include "menagerie.fullnameOf" (dict "root" . "chart" "kube-prometheus-stack")) -}}
{{- end }}
{{- define "menagerie.prometheus.port" -}}
{{- (index .Values "kube-prometheus-stack").prometheus.service.port -}}
{{- end }}
{{- define "menagerie.prometheus.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.prometheus.service" .) "port" (include "menagerie.prometheus.port" .)) -}}
{{- end }}
{{/*
Where Grafana and the helm test read metrics: Thanos Query, which merges and
deduplicates the Prometheus replicas and the blocks in object storage, when
Thanos runs; Prometheus itself otherwise.
*/}}
{{- define "menagerie.metricsQuery.service" -}}
{{- if .Values.thanos.enabled -}}
{{- printf "%s-query" (include "menagerie.fullnameOf" (dict "root" . "chart" "thanos")) -}}
{{- else -}}
{{- include "menagerie.prometheus.service" . -}}
{{- end -}}
{{- end }}
{{- define "menagerie.metricsQuery.url" -}}
{{- if .Values.thanos.enabled -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.metricsQuery.service" .) "port" .Values.thanos.query.service.httpPort) -}}
{{- else -}}
{{- include "menagerie.prometheus.url" . -}}
{{- end -}}
{{- end }}
{{/*
Tempo's metrics generator remote-writes to every Prometheus replica (a JSON
list): through the Service of each replica when kube-prometheus-stack renders
one per replica (several replicas, each must get every sample), else through
the Prometheus Service. Tempo's charts paste the URLs in verbatim, so they are
the short, same-namespace form.
*/}}
{{- define "menagerie.prometheus.remoteWriteUrls" -}}
{{- $kps := index .Values "kube-prometheus-stack" -}}
{{- $service := include "menagerie.prometheus.service" . -}}
{{- $urls := list -}}
{{- if dig "prometheus" "servicePerReplica" "enabled" false $kps -}}
{{- range $replica := until (int (dig "prometheus" "prometheusSpec" "replicas" 1 $kps)) -}}
{{- $urls = append $urls (printf "http://%s-%d:%d/api/v1/write" $service $replica (int $kps.prometheus.servicePerReplica.port)) -}}
{{- end -}}
{{- else -}}
{{- $urls = append $urls (printf "http://%s:%d/api/v1/write" $service (int (include "menagerie.prometheus.port" .))) -}}
{{- end -}}
{{- toJson $urls -}}
{{- end }}

{{- define "menagerie.alertmanager.service" -}}
{{- printf "%s-alertmanager" (include "menagerie.fullnameOf" (dict "root" . "chart" "kube-prometheus-stack")) -}}
{{- end }}
{{- define "menagerie.alertmanager.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.alertmanager.service" .) "port" (index .Values "kube-prometheus-stack").alertmanager.service.port) -}}
{{- end }}
{{- define "menagerie.alertmanager.configSecret" -}}
{{- $spec := (index .Values "kube-prometheus-stack").alertmanager.alertmanagerSpec -}}
{{- if not $spec.useExistingSecret -}}
{{- fail "kube-prometheus-stack.alertmanager.alertmanagerSpec.useExistingSecret must be true: the Alertmanager config comes from files/alertmanager/alertmanager.yaml" -}}
{{- end -}}
{{- required "kube-prometheus-stack.alertmanager.alertmanagerSpec.configSecret must name the Secret the umbrella renders" $spec.configSecret -}}
{{- end }}

{{/*
Loki's way in: the single binary's Service in the monolithic mode; in the
scalable modes the gateway, which routes pushes to the write path and queries
to the read path.
*/}}
{{- define "menagerie.loki.monolithic" -}}
{{- if eq .Values.loki.deploymentMode "Monolithic" }}true{{ end -}}
{{- end }}
{{- define "menagerie.loki.service" -}}
{{- $name := include "menagerie.fullnameOf" (dict "root" . "chart" "loki") -}}
{{- if include "menagerie.loki.monolithic" . -}}
{{- $name -}}
{{- else -}}
{{- printf "%s-gateway" $name -}}
{{- end -}}
{{- end }}
{{- define "menagerie.loki.port" -}}
{{- if include "menagerie.loki.monolithic" . -}}
{{- .Values.loki.loki.server.http_listen_port -}}
{{- else -}}
{{- .Values.loki.gateway.service.port -}}
{{- end -}}
{{- end }}
{{- define "menagerie.loki.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.loki.service" .) "port" (include "menagerie.loki.port" .)) -}}
{{- end }}
{{- define "menagerie.loki.pushUrl" -}}
{{- printf "%s/loki/api/v1/push" (include "menagerie.loki.url" .) -}}
{{- end }}

{{/*
Tempo's query API and OTLP receiver: one Service for both in the one-pod
chart; with tempo-distributed, queries go to the query-frontend and spans to
the distributor.
*/}}
{{- define "menagerie.tempo.service" -}}
{{- if .Values.tempo.enabled -}}
{{- include "menagerie.fullnameOf" (dict "root" . "chart" "tempo") -}}
{{- else -}}
{{- printf "%s-query-frontend" (include "menagerie.fullnameOf" (dict "root" . "chart" "tempo-distributed")) -}}
{{- end -}}
{{- end }}
{{- define "menagerie.tempo.port" -}}
{{- if .Values.tempo.enabled -}}
{{- .Values.tempo.tempo.server.http_listen_port -}}
{{- else -}}
{{- (index .Values "tempo-distributed").server.httpListenPort -}}
{{- end -}}
{{- end }}
{{- define "menagerie.tempo.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.tempo.service" .) "port" (include "menagerie.tempo.port" .)) -}}
{{- end }}
{{/* The OTLP/HTTP receiver's port, read from Tempo's receiver endpoint ("0.0.0.0:4318"). */}}
{{- define "menagerie.tempo.otlpHttpPort" -}}
{{- regexReplaceAll "^.*:" .Values.tempo.tempo.receivers.otlp.protocols.http.endpoint "" -}}
{{- end }}
{{- define "menagerie.tempo.otlpHttpUrl" -}}
{{- if .Values.tempo.enabled -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.tempo.service" .) "port" (include "menagerie.tempo.otlpHttpPort" .)) -}}
{{- else -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (printf "%s-distributor" (include "menagerie.fullnameOf" (dict "root" . "chart" "tempo-distributed"))) "port" (include "menagerie.tempo.otlpHttpPort" .)) -}}
{{- end -}}
{{- end }}

{{- define "menagerie.grafana.service" -}}
{{- include "menagerie.fullnameOf" (dict "root" . "chart" "grafana") -}}
{{- end }}
{{- define "menagerie.grafana.adminSecret" -}}
{{- tpl (required "grafana.admin.existingSecret must be set: the umbrella generates the admin password into it" .Values.grafana.admin.existingSecret) . -}}
{{- end }}

{{- define "menagerie.blackbox.service" -}}
{{- include "menagerie.fullnameOf" (dict "root" . "chart" "prometheus-blackbox-exporter") -}}
{{- end }}
{{/* host:port, as a Probe's prober URL wants it. */}}
{{- define "menagerie.blackbox.address" -}}
{{- printf "%s.%s.svc:%d" (include "menagerie.blackbox.service" .) .Release.Namespace (int (index .Values "prometheus-blackbox-exporter").service.port) -}}
{{- end }}

{{/* A ConfigMap- or PrometheusRule-safe name from a file name: lower case, [a-z0-9-]. */}}
{{- define "menagerie.fileObjectName" -}}
{{- $base := base .file | trimSuffix (ext .file) | lower | replace "_" "-" | replace "." "-" -}}
{{- printf "%s-%s" .prefix (regexReplaceAll "[^a-z0-9-]" $base "") | trunc 63 | trimSuffix "-" -}}
{{- end }}
