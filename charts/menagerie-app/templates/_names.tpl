{{/*
Names. The Service, the Prometheus job, the Loki `app` label and
OTEL_SERVICE_NAME are all the app chart's name (the contract's SERVER.name or
CLIENT.name), so the charts deliberately ignore the release name: one server
and one client per namespace. The component, the container's name, is the
name without its "menagerie-" prefix (contract: SERVER.container,
CLIENT.container).
*/}}
{{- define "menagerie-app.name" -}}
{{- .Chart.Name -}}
{{- end }}

{{- define "menagerie-app.component" -}}
{{- trimPrefix "menagerie-" .Chart.Name -}}
{{- end }}

{{/* The container port's name (contract: SERVER.portName, CLIENT.portName). */}}
{{- define "menagerie-app.portName" -}}http{{- end }}

{{/* The HTTP paths both services serve besides their API (contract: PATHS). */}}
{{- define "menagerie-app.path.metrics" -}}/metrics{{- end }}
{{- define "menagerie-app.path.liveness" -}}/healthz{{- end }}
{{- define "menagerie-app.path.readiness" -}}/readyz{{- end }}

{{/* The Service's in-cluster DNS name. */}}
{{- define "menagerie-app.host" -}}
{{- printf "%s.%s.svc" (include "menagerie-app.name" .) .Release.Namespace -}}
{{- end }}

{{- define "menagerie-app.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end }}

{{- define "menagerie-app.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "menagerie-app.imageTag" .) -}}
{{- end }}

{{/* MENAGERIE_VERSION: the explicit version, else the image tag. */}}
{{- define "menagerie-app.version" -}}
{{- .Values.version | default (include "menagerie-app.imageTag" .) -}}
{{- end }}
