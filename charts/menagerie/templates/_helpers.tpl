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
Tempo's metrics generator remote-writes here. Tempo's chart pastes the URL in
verbatim, so it is the short, same-namespace form.
*/}}
{{- define "menagerie.prometheus.remoteWriteUrl" -}}
{{- printf "http://%s:%d/api/v1/write" (include "menagerie.prometheus.service" .) (int (include "menagerie.prometheus.port" .)) -}}
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

{{- define "menagerie.loki.service" -}}
{{- include "menagerie.fullnameOf" (dict "root" . "chart" "loki") -}}
{{- end }}
{{- define "menagerie.loki.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.loki.service" .) "port" .Values.loki.loki.server.http_listen_port) -}}
{{- end }}
{{- define "menagerie.loki.pushUrl" -}}
{{- printf "%s/loki/api/v1/push" (include "menagerie.loki.url" .) -}}
{{- end }}

{{- define "menagerie.tempo.service" -}}
{{- include "menagerie.fullnameOf" (dict "root" . "chart" "tempo") -}}
{{- end }}
{{- define "menagerie.tempo.url" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.tempo.service" .) "port" .Values.tempo.tempo.server.http_listen_port) -}}
{{- end }}
{{/* The OTLP/HTTP receiver's port, read from Tempo's receiver endpoint ("0.0.0.0:4318"). */}}
{{- define "menagerie.tempo.otlpHttpPort" -}}
{{- regexReplaceAll "^.*:" .Values.tempo.tempo.receivers.otlp.protocols.http.endpoint "" -}}
{{- end }}
{{- define "menagerie.tempo.otlpHttpUrl" -}}
{{- include "menagerie.serviceUrl" (dict "root" . "service" (include "menagerie.tempo.service" .) "port" (include "menagerie.tempo.otlpHttpPort" .)) -}}
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
