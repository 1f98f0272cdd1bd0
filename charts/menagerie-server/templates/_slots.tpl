{{/* What the server adds to the library's Deployment and NetworkPolicy (see menagerie-app's _deployment.tpl). */}}

{{- define "menagerie-server.env" -}}
- name: SHUTDOWN_GRACE_SECONDS
  value: {{ .Values.shutdownGraceSeconds | quote }}
{{- if .Values.storeCapacity }}
- name: STORE_CAPACITY
  value: {{ .Values.storeCapacity | quote }}
{{- end }}
{{- if include "menagerie-server.behaviourProfile" . }}
- name: BEHAVIOUR_PROFILE
  value: {{ printf "%s/%s" (include "menagerie-server.profileDir" .) (include "menagerie-server.profileFile" .) | quote }}
{{- end }}
{{- end }}

{{/* A new profile rolls the pods: the server reads it once at start. */}}
{{- define "menagerie-server.podAnnotations" -}}
checksum/behaviour-profile: {{ include "menagerie-server.behaviourProfile" . | sha256sum }}
{{- end }}

{{- define "menagerie-server.podSpec" -}}
terminationGracePeriodSeconds: {{ add .Values.preStopSleepSeconds .Values.shutdownGraceSeconds 10 }}
{{- end }}

{{- define "menagerie-server.container" -}}
{{- if .Values.preStopSleepSeconds }}
lifecycle:
  preStop:
    exec:
      command: ["/bin/sleep", {{ .Values.preStopSleepSeconds | quote }}]
{{- end }}
{{- end }}

{{- define "menagerie-server.volumeMounts" -}}
{{- if include "menagerie-server.behaviourProfile" . }}
- name: behaviour-profile
  mountPath: {{ include "menagerie-server.profileDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "menagerie-server.volumes" -}}
{{- if include "menagerie-server.behaviourProfile" . }}
- name: behaviour-profile
  configMap:
    name: {{ include "menagerie-app.name" . }}-behaviour
{{- end }}
{{- end }}

{{/* The client's pods send the traffic. */}}
{{- define "menagerie-server.ingressFrom" -}}
- podSelector:
    matchLabels:
      {{- toYaml .Values.networkPolicy.clientPodLabels | nindent 6 }}
{{- end }}
