{{- define "menagerie-app.serviceMonitor" -}}
{{- if .Values.serviceMonitor.enabled }}
# The job label is the Service's name (the operator's default), as the
# dashboards and rules expect.
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
    {{- include "menagerie-app.monitoringLabels" . | indent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "menagerie-app.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: {{ include "menagerie-app.portName" . }}
      path: {{ include "menagerie-app.path.metrics" . }}
      interval: {{ .Values.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- end }}
{{- end }}
