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

{{/*
The HPA scales on a Pods metric when autoscaling.podsMetric names one (a
custom metric, averaged over the pods: the server's requests per second,
which the umbrella's prometheus-adapter serves), and on CPU utilisation
against the requests; the larger of the two replica counts wins. Each
replica holds its own in-memory state: scaling out shows the mechanism, it
does not make the registry highly available.
*/}}
{{- define "menagerie-app.horizontalPodAutoscaler" -}}
{{- if .Values.autoscaling.enabled }}
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
    {{- with .Values.autoscaling.podsMetric }}
    {{- if .name }}
    - type: Pods
      pods:
        metric:
          name: {{ .name }}
        target:
          type: AverageValue
          averageValue: {{ .averageValue | quote }}
    {{- end }}
    {{- end }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
  {{- with .Values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
