{{/*
The Deployment of one service. The app chart fills these slots, each a named
template "<chart name>.<slot>" (empty when the app has nothing to add):
  env            its own environment variables, after the common ones
  podAnnotations annotations the chart computes (a config checksum, say)
  podSpec        extra pod spec fields (terminationGracePeriodSeconds, say)
  container      extra container fields (lifecycle, say)
  volumeMounts   extra mounts, after /tmp
  volumes        the volumes they mount
*/}}
{{- define "menagerie-app.slot" -}}
{{- $root := index . 0 -}}
{{- include (printf "%s.%s" $root.Chart.Name (index . 1)) $root | trim -}}
{{- end }}

{{- define "menagerie-app.deployment" -}}
{{- $port := int .Values.service.port }}
{{- $annotations := include "menagerie-app.slot" (list . "podAnnotations") }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "menagerie-app.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "menagerie-app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "menagerie-app.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if or $annotations .Values.podAnnotations }}
      annotations:
        {{- with $annotations }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "menagerie-app.name" . }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "menagerie-app.slot" (list . "podSpec") }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "menagerie-app.podSecurityContext" . | nindent 8 }}
      {{- with .Values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        {{- $own := dict "labelSelector" (dict "matchLabels" (include "menagerie-app.selectorLabels" $ | fromYaml)) }}
        - {{- toYaml (merge (deepCopy .) $own) | nindent 10 }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ include "menagerie-app.component" . }}
          image: {{ include "menagerie-app.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: {{ include "menagerie-app.portName" . }}
              containerPort: {{ $port }}
              protocol: TCP
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: PORT
              value: {{ $port | quote }}
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
            - name: MENAGERIE_VERSION
              value: {{ include "menagerie-app.version" . | quote }}
            {{- with .Values.revision }}
            - name: MENAGERIE_REVISION
              value: {{ . | quote }}
            {{- end }}
            {{- with include "menagerie-app.slot" (list . "env") }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- include "menagerie-app.otelEnv" . | nindent 12 }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: {{ include "menagerie-app.path.liveness" . }}
              port: {{ include "menagerie-app.portName" . }}
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: {{ include "menagerie-app.path.liveness" . }}
              port: {{ include "menagerie-app.portName" . }}
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: {{ include "menagerie-app.path.readiness" . }}
              port: {{ include "menagerie-app.portName" . }}
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 2
          {{- with include "menagerie-app.slot" (list . "container") }}
          {{- . | nindent 10 }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "menagerie-app.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; Node and its libraries may still want a scratch directory.
            - name: tmp
              mountPath: /tmp
            {{- with include "menagerie-app.slot" (list . "volumeMounts") }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- with include "menagerie-app.slot" (list . "volumes") }}
        {{- . | nindent 8 }}
        {{- end }}
{{- end }}
