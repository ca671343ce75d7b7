{{/* Names, labels and the checks that refuse a bad set of values before anything is rendered. */}}

{{- define "driftwatch.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries; "driftwatch.labels" needs (dict "root" $ "component" "ingest"). */}}
{{- define "driftwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "driftwatch.labels" -}}
{{ include "driftwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "driftwatch.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The Secret the pods read, or "" when there is none. */}}
{{- define "driftwatch.secretName" -}}
{{- if and .Values.existingSecret .Values.secretEnv -}}
{{- fail "set existingSecret or secretEnv, not both" -}}
{{- else if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else if .Values.secretEnv -}}
{{- include "driftwatch.fullname" . -}}
{{- end -}}
{{- end -}}

{{/*
A ConfigMap's data from the chart's variables and the user's `env` (which wins); a variable whose
name says it is secret is refused: it belongs in the Secret.
Needs (dict "chart" (dict ...) "user" .Values.x.env "where" "ingest.env").
*/}}
{{- define "driftwatch.envData" -}}
{{- range $key, $value := .user -}}
{{- if regexMatch "(?i)(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL)" $key -}}
{{- fail (printf "%s.%s looks secret: put it in secretEnv or existingSecret, not in a ConfigMap" $.where $key) -}}
{{- end -}}
{{- end -}}
{{- $data := dict -}}
{{- range $key, $value := .chart -}}{{- $_ := set $data $key (include "driftwatch.envValue" $value) -}}{{- end -}}
{{- range $key, $value := .user -}}{{- $_ := set $data $key (include "driftwatch.envValue" $value) -}}{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
A value as the variable's text. Numbers from a values file arrive as float64, which toString
writes as 3.3554432e+07 for 33554432: whole numbers are written as integers.
*/}}
{{- define "driftwatch.envValue" -}}
{{- if and (kindIs "float64" .) (eq . (float64 (int64 .))) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* CLICKHOUSE_PASSWORD from the Secret, for the services that need only that key. */}}
{{- define "driftwatch.clickhousePassword" -}}
{{- $secret := include "driftwatch.secretName" . -}}
{{- if $secret }}
env:
  - name: CLICKHOUSE_PASSWORD
    valueFrom:
      secretKeyRef: { name: {{ $secret }}, key: CLICKHOUSE_PASSWORD, optional: true }
{{- end -}}
{{- end -}}

{{/* Scheduling and security settings shared by every pod spec. */}}
{{- define "driftwatch.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Liveness and readiness on the services' health endpoints (all three serve the same paths). */}}
{{- define "driftwatch.probes" -}}
livenessProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{- define "driftwatch.validate" -}}
{{- $partitions := int .Values.kafka.topicPartitions -}}
{{- if .Values.ingest.autoscaling.enabled -}}
{{- if gt (int .Values.ingest.autoscaling.maxReplicas) $partitions -}}
{{- fail (printf "ingest.autoscaling.maxReplicas (%d) is more than kafka.topicPartitions (%d): a consumer beyond the partition count gets no partition" (int .Values.ingest.autoscaling.maxReplicas) $partitions) -}}
{{- end -}}
{{- if gt (int .Values.ingest.autoscaling.minReplicas) (int .Values.ingest.autoscaling.maxReplicas) -}}
{{- fail "ingest.autoscaling.minReplicas is more than maxReplicas" -}}
{{- end -}}
{{- else if gt (int .Values.ingest.replicas) $partitions -}}
{{- fail (printf "ingest.replicas (%d) is more than kafka.topicPartitions (%d): a consumer beyond the partition count gets no partition" (int .Values.ingest.replicas) $partitions) -}}
{{- end -}}
{{- if not .Values.monitor.config -}}
{{- fail "monitor.config is required: helm install ... --set-file monitor.config=monitors.yaml (deploy/monitors.example.yaml to start from)" -}}
{{- end -}}
{{- end -}}
