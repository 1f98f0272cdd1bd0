{{/*
The server's own parts; everything both services share (names, labels, the
Deployment and the objects around it) is in the menagerie-app library chart.
*/}}

{{/* Where the behaviour profile is mounted; BEHAVIOUR_PROFILE points at the file. */}}
{{- define "menagerie-server.profileDir" -}}/etc/menagerie/profile{{- end }}
{{- define "menagerie-server.profileFile" -}}behaviour.yaml{{- end }}

{{/* The behaviour profile as YAML text, whether it was given as a string or a map; empty when unset. */}}
{{- define "menagerie-server.behaviourProfile" -}}
{{- $profile := .Values.behaviourProfile -}}
{{- if kindIs "map" $profile -}}
{{- if $profile }}{{ toYaml $profile }}{{ end -}}
{{- else if $profile -}}
{{- $profile -}}
{{- end -}}
{{- end }}

{{/* The in-cluster URL of the server's readiness endpoint, as the blackbox exporter requests it. */}}
{{- define "menagerie-server.readinessUrl" -}}
{{- printf "http://%s:%d%s" (include "menagerie-app.host" .) (int .Values.service.port) (include "menagerie-app.path.readiness" .) -}}
{{- end }}
