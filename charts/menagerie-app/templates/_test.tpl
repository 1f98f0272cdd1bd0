{{- define "menagerie-app.testAnswers" -}}
# `helm test`: the service answers through its Service, is ready, and exposes
# its build-info metric. Runs the service's own image (already in the cluster)
# with Node's fetch, so the test pulls nothing.
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "menagerie-app.name" . }}-test-answers
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "menagerie-app.testSelectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: test
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    {{- include "menagerie-app.podSecurityContext" . | nindent 4 }}
  containers:
    - name: test
      image: {{ include "menagerie-app.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      env:
        - name: TARGET
          value: {{ printf "http://%s:%d" (include "menagerie-app.host" .) (int .Values.service.port) | quote }}
      command:
        - node
        - --input-type=module
        - -e
        - |
          const target = process.env.TARGET;
          const ready = await fetch(`${target}{{ include "menagerie-app.path.readiness" . }}`);
          if (!ready.ok) throw new Error(`readiness answered ${ready.status}`);
          const metrics = await (await fetch(`${target}{{ include "menagerie-app.path.metrics" . }}`)).text();
          if (!metrics.includes('menagerie_build_info')) throw new Error('no menagerie_build_info in /metrics');
          console.log(`${target} is ready and exposes menagerie_build_info`);
      resources:
        requests:
          cpu: 10m
          memory: 64Mi
        limits:
          memory: 128Mi
      securityContext:
        {{- include "menagerie-app.containerSecurityContext" . | nindent 8 }}
{{- end }}
