{{- define "menagerie-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "menagerie-app.labels" -}}
{{ include "menagerie-app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "menagerie-app.version" . | quote }}
app.kubernetes.io/component: {{ include "menagerie-app.component" . }}
app.kubernetes.io/part-of: menagerie
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/*
Labels of the objects a Prometheus selects (ServiceMonitor, Probe,
PrometheusRule): global.monitoringLabels, so an existing
kube-prometheus-stack, which selects release=<its release name>, finds them.
*/}}
{{- define "menagerie-app.monitoringLabels" -}}
{{- with (.Values.global).monitoringLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of the helm test pods: distinct from the Service's selector so they never receive traffic. */}}
{{- define "menagerie-app.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-app.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
