{{/*
The client's own parts; everything both services share (names, labels, the
Deployment and the objects around it) is in the menagerie-app library chart.
*/}}

{{/* SERVER_URL: the server's Service in this namespace, unless overridden. */}}
{{- define "menagerie-client.serverUrl" -}}
{{- .Values.serverUrl | default (printf "http://%s.%s.svc:%d" .Values.server.name .Release.Namespace (int .Values.server.port)) -}}
{{- end }}
