{{/* The OpenTelemetry environment both services read. */}}
{{- define "menagerie-app.otelEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ include "menagerie-app.name" . | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ tpl .Values.tracing.otlpEndpoint . | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .Values.tracing.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .Values.tracing.samplerArg | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "menagerie-app.otelResourceAttributes" . | quote }}
{{- end }}

{{/*
OTEL_RESOURCE_ATTRIBUTES: the version, the namespace and the pod (expanded by
the kubelet from the env vars declared before it), then the extra attributes.
*/}}
{{- define "menagerie-app.otelResourceAttributes" -}}
{{- $attrs := list (printf "service.version=%s" (include "menagerie-app.version" .)) "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" -}}
{{- range $key, $value := .Values.tracing.resourceAttributes -}}
{{- $attrs = append $attrs (printf "%s=%s" $key (toString $value)) -}}
{{- end -}}
{{- join "," $attrs -}}
{{- end }}
