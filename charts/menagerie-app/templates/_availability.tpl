{{- define "menagerie-app.podDisruptionBudget" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "menagerie-app.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "menagerie-app.horizontalPodAutoscaler" -}}
{{- if .Values.autoscaling.enabled }}
# Each replica holds its own in-memory state: scaling out shows the
# mechanism, it does not make the registry highly available. Needs
# metrics-server.
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "menagerie-app.name" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}
