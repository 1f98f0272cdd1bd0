{{/* What the client adds to the library's Deployment and NetworkPolicy (see menagerie-app's _deployment.tpl). */}}

{{- define "menagerie-client.env" -}}
- name: SERVER_URL
  value: {{ include "menagerie-client.serverUrl" . | quote }}
{{- with .Values.load }}
{{- if .rate }}
- name: RATE
  value: {{ .rate | quote }}
{{- end }}
{{- if .duration }}
- name: DURATION
  value: {{ .duration | quote }}
{{- end }}
{{- if .maxInFlight }}
- name: MAX_IN_FLIGHT
  value: {{ .maxInFlight | quote }}
{{- end }}
{{- if .requestTimeoutMs }}
- name: REQUEST_TIMEOUT_MS
  value: {{ .requestTimeoutMs | quote }}
{{- end }}
{{- if .scenarioWeights }}
- name: SCENARIO_WEIGHTS
  value: {{ .scenarioWeights | quote }}
{{- end }}
{{- if .populationLimit }}
- name: POPULATION_LIMIT
  value: {{ .populationLimit | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Nothing calls the client but Prometheus (its metrics, through networkPolicy.allowFrom) and the test pods. */}}
{{- define "menagerie-client.ingressFrom" -}}{{- end }}
{{- define "menagerie-client.podAnnotations" -}}{{- end }}
{{- define "menagerie-client.podSpec" -}}{{- end }}
{{- define "menagerie-client.container" -}}{{- end }}
{{- define "menagerie-client.volumeMounts" -}}{{- end }}
{{- define "menagerie-client.volumes" -}}{{- end }}
