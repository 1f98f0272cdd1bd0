{{- define "menagerie-app.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "menagerie-app.selectorLabels" . | nindent 4 }}
  ports:
    - name: {{ include "menagerie-app.portName" . }}
      port: {{ .Values.service.port }}
      targetPort: {{ include "menagerie-app.portName" . }}
      protocol: TCP
      appProtocol: http
{{- end }}

{{- define "menagerie-app.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
# Neither service calls the Kubernetes API.
automountServiceAccountToken: false
{{- end }}
