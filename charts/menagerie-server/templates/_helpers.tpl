{{/*
Names. The Service, the Prometheus job, the Loki `app` label and
OTEL_SERVICE_NAME are all the chart's name (the contract's SERVER.name), so
the chart deliberately ignores the release name: one server per namespace.
*/}}
{{- define "menagerie-server.name" -}}
{{- .Chart.Name -}}
{{- end }}

{{/* The container's name and its port's name (contract: SERVER.container, SERVER.portName). */}}
{{- define "menagerie-server.containerName" -}}server{{- end }}
{{- define "menagerie-server.portName" -}}http{{- end }}

{{/* The HTTP paths the server serves besides its API (contract: PATHS). */}}
{{- define "menagerie-server.path.metrics" -}}/metrics{{- end }}
{{- define "menagerie-server.path.liveness" -}}/healthz{{- end }}
{{- define "menagerie-server.path.readiness" -}}/readyz{{- end }}

{{/* Where the behaviour profile is mounted; BEHAVIOUR_PROFILE points at the file. */}}
{{- define "menagerie-server.profileDir" -}}/etc/menagerie/profile{{- end }}
{{- define "menagerie-server.profileFile" -}}behaviour.yaml{{- end }}

{{- define "menagerie-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "menagerie-server.labels" -}}
{{ include "menagerie-server.selectorLabels" . }}
app.kubernetes.io/version: {{ include "menagerie-server.version" . | quote }}
app.kubernetes.io/component: server
app.kubernetes.io/part-of: menagerie
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "menagerie-server.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end }}

{{- define "menagerie-server.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "menagerie-server.imageTag" .) -}}
{{- end }}

{{/* MENAGERIE_VERSION: the explicit version, else the image tag. */}}
{{- define "menagerie-server.version" -}}
{{- .Values.version | default (include "menagerie-server.imageTag" .) -}}
{{- end }}

{{/* The behaviour profile as YAML text, whether it was given as a string or a map; empty when unset. */}}
{{- define "menagerie-server.behaviourProfile" -}}
{{- $profile := .Values.behaviourProfile -}}
{{- if kindIs "map" $profile -}}
{{- if $profile }}{{ toYaml $profile }}{{ end -}}
{{- else if $profile -}}
{{- $profile -}}
{{- end -}}
{{- end }}

{{/* The Service's in-cluster DNS name. */}}
{{- define "menagerie-server.host" -}}
{{- printf "%s.%s.svc" (include "menagerie-server.name" .) .Release.Namespace -}}
{{- end }}

{{/* The in-cluster URL of the server's readiness endpoint, as the blackbox exporter requests it. */}}
{{- define "menagerie-server.readinessUrl" -}}
{{- printf "http://%s:%d%s" (include "menagerie-server.host" .) (int .Values.service.port) (include "menagerie-server.path.readiness" .) -}}
{{- end }}

{{/* The restricted Pod Security profile, shared by the server and its test pods. */}}
{{- define "menagerie-server.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "menagerie-server.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
OTEL_RESOURCE_ATTRIBUTES: the version, the namespace and the pod (expanded by
the kubelet from the env vars declared before it), then the extra attributes.
*/}}
{{- define "menagerie-server.otelResourceAttributes" -}}
{{- $attrs := list (printf "service.version=%s" (include "menagerie-server.version" .)) "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" -}}
{{- range $key, $value := .Values.tracing.resourceAttributes -}}
{{- $attrs = append $attrs (printf "%s=%s" $key (toString $value)) -}}
{{- end -}}
{{- join "," $attrs -}}
{{- end }}

{{/* Labels of the helm test pods: distinct from the Service's selector so they never receive traffic. */}}
{{- define "menagerie-server.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "menagerie-server.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
