{{/*
Ingress to the service's port: this chart's test pods, the peers the app
chart adds in its "<chart name>.ingressFrom" slot, and the listed ones
(networkPolicy.allowFrom: Prometheus, the blackbox exporter). People come in
through `kubectl port-forward`, which the kubelet delivers inside the pod's
network namespace, so it needs no rule here and is governed by RBAC instead.
*/}}
{{- define "menagerie-app.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "menagerie-app.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - from:
        {{- with include "menagerie-app.slot" (list . "ingressFrom") }}
        {{- . | nindent 8 }}
        {{- end }}
        - podSelector:
            matchLabels:
              {{- include "menagerie-app.testSelectorLabels" . | nindent 14 }}
        {{- with .Values.networkPolicy.allowFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        # The container port by number: not every NetworkPolicy implementation
        # resolves named ports (the Service and probes keep the name).
        - port: {{ int .Values.service.port }}
          protocol: TCP
{{- end }}
{{- end }}
