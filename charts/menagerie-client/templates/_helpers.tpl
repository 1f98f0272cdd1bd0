{{/*
Names. The Service, the Prometheus job, the Loki `app` label and
OTEL_SERVICE_NAME are all the chart's name (the contract's CLIENT.name), so
the chart deliberately ignores the release name: one client per namespace.
*/}}
{{- define "menagerie-client.name" -}}
{{- .Chart.Name -}}
{{- end }}

{{/* The container's name and its port's name (contract: CLIENT.container, CLIENT.portName). */}}
{{- define "menagerie-client.containerName" -}}client{{- end }}
{{- define "menagerie-client.portName" -}}http{{- end }}

{{/* The HTTP paths the client serves (contract: PATHS). */}}
{{- define "menagerie-client.path.metrics" -}}/metrics{{- end }}
{{- define "menagerie-client.path.liveness" -}}/healthz{{- end }}
{{- define "menagerie-client.path.readiness" -}}/readyz{{- end }}

{{- define "menagerie-client.selectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-client.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "menagerie-client.labels" -}}
{{ include "menagerie-client.selectorLabels" . }}
app.kubernetes.io/version: {{ include "menagerie-client.version" . | quote }}
app.kubernetes.io/component: client
app.kubernetes.io/part-of: menagerie
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Labels of the helm test pods: distinct from the Service's selector so they never receive traffic. */}}
{{- define "menagerie-client.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-client.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "menagerie-client.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end }}

{{- define "menagerie-client.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "menagerie-client.imageTag" .) -}}
{{- end }}

{{- define "menagerie-client.version" -}}
{{- .Values.version | default (include "menagerie-client.imageTag" .) -}}
{{- end }}

{{- define "menagerie-client.host" -}}
{{- printf "%s.%s.svc" (include "menagerie-client.name" .) .Release.Namespace -}}
{{- end }}

{{/* SERVER_URL: the server's Service in this namespace, unless overridden. */}}
{{- define "menagerie-client.serverUrl" -}}
{{- .Values.serverUrl | default (printf "http://%s.%s.svc:%d" .Values.server.name .Release.Namespace (int .Values.server.port)) -}}
{{- end }}

{{- define "menagerie-client.otelResourceAttributes" -}}
{{- $attrs := list (printf "service.version=%s" (include "menagerie-client.version" .)) "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" -}}
{{- range $key, $value := .Values.tracing.resourceAttributes -}}
{{- $attrs = append $attrs (printf "%s=%s" $key (toString $value)) -}}
{{- end -}}
{{- join "," $attrs -}}
{{- end }}

{{- define "menagerie-client.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "menagerie-client.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}
