{{/* Labels on every object of the release. */}}
{{- define "inplay.labels" -}}
app.kubernetes.io/part-of: inplay
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* The labels a service's pods are selected by (Services, PDBs, NetworkPolicies, Chaos Mesh): call with (dict "root" $ "name" $name). */}}
{{- define "inplay.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "inplay.image" -}}
"{{ .Values.image.repository }}:{{ .Values.image.tag }}"
{{- end -}}

{{/* Resources of a container: the default block, overridden key by key by its own (dict "root" $ "own" $svc.resources). */}}
{{- define "inplay.resources" -}}
{{- $merged := mustMergeOverwrite (deepCopy .root.Values.resources) (deepCopy (.own | default dict)) -}}
{{- if not (and $merged.limits $merged.limits.cpu $merged.limits.memory $merged.requests $merged.requests.cpu $merged.requests.memory) -}}
{{- fail "resources need requests and limits for both cpu and memory (values resources, or services.<name>.resources)" -}}
{{- end -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* The pod-level settings every pod shares: security, /tmp, placement. */}}
{{- define "inplay.podCommon" -}}
automountServiceAccountToken: false
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: { sizeLimit: {{ .Values.tmpSizeLimit }} }
  {{- with .Values.kafka.tls }}{{ if .enabled }}
  # The CA that signed the brokers' certificates, and nothing else of the Secret.
  - name: kafka-tls
    secret:
      secretName: {{ .secretName }}
      items: [{ key: {{ .caKey }}, path: ca.crt }]
  {{- end }}{{ end }}
{{- end -}}

{{/* Where the containers find the brokers' CA. */}}
{{- define "inplay.kafkaTlsDir" -}}/etc/inplay/kafka-tls{{- end -}}

{{/* Every container's mounts: /tmp, and the brokers' CA with TLS. */}}
{{- define "inplay.volumeMounts" -}}
- { name: tmp, mountPath: /tmp }
{{- if .Values.kafka.tls.enabled }}
- { name: kafka-tls, mountPath: {{ include "inplay.kafkaTlsDir" . }}, readOnly: true }
{{- end }}
{{- end -}}

{{/* How a container reaches Kafka: the brokers, its principal's login (call with (dict "root" $ "principal" "gateway")), the CA with TLS. */}}
{{- define "inplay.kafkaEnv" -}}
{{- $kafka := .root.Values.kafka -}}
- { name: KAFKA_BROKERS, value: {{ .root.Values.infrastructure.kafkaBrokers | quote }} }
{{- if $kafka.sasl.enabled }}
- { name: KAFKA_SASL_USERNAME, value: {{ .principal | quote }} }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $kafka.sasl.secretName }}, key: {{ .principal }} } }
{{- end }}
{{- if $kafka.tls.enabled }}
- { name: KAFKA_TLS_CA_FILE, value: {{ printf "%s/ca.crt" (include "inplay.kafkaTlsDir" .root) | quote }} }
{{- end }}
{{- end -}}

{{- define "inplay.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.infrastructure.databaseSecret.name }}, key: {{ .Values.infrastructure.databaseSecret.key }} }
{{- end -}}

{{/* A service's DATABASE_URL: its own role's URL (key <service>-url) with perService, else the owner's. */}}
{{- define "inplay.serviceDatabaseUrlEnv" -}}
{{- $secret := .root.Values.infrastructure.databaseSecret -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret.name }}, key: {{ ternary (printf "%s-url" .name) $secret.key $secret.perService }} }
{{- end -}}

{{/* The bootstrap's <SERVICE>_DATABASE_URL per service: it makes each role a login with that URL's password. */}}
{{- define "inplay.serviceDatabaseUrlsEnv" -}}
{{- $secret := .Values.infrastructure.databaseSecret -}}
{{- if $secret.perService }}
{{- range $name, $svc := .Values.services }}
- name: {{ $name | upper | replace "-" "_" }}_DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret.name }}, key: {{ $name }}-url }
{{- end }}
{{- end }}
{{- end -}}

{{/* Values that cannot work together stop the install with the reason. */}}
{{- define "inplay.validate" -}}
{{- $rf := int .Values.kafka.replicationFactor -}}
{{- $isr := int .Values.kafka.minInsyncReplicas -}}
{{- if lt $rf 1 -}}{{- fail (printf "kafka.replicationFactor must be at least 1, got %d" $rf) -}}{{- end -}}
{{- if or (lt $isr 1) (gt $isr $rf) -}}{{- fail (printf "kafka.minInsyncReplicas must be from 1 to kafka.replicationFactor (%d), got %d" $rf $isr) -}}{{- end -}}
{{- if and .Values.appSecret.create .Values.appSecret.jwtSecret (lt (len .Values.appSecret.jwtSecret) 64) -}}{{- fail "appSecret.jwtSecret must be at least 64 bytes in production (openssl rand -base64 48)" -}}{{- end -}}
{{- if and .Values.appSecret.create .Values.appSecret.orderSigningKey (lt (len .Values.appSecret.orderSigningKey) 32) -}}{{- fail "appSecret.orderSigningKey must be at least 32 bytes (openssl rand -base64 48)" -}}{{- end -}}
{{- with .Values.kafka.sasl -}}{{- if and .enabled (not .secretName) -}}{{- fail "kafka.sasl.secretName is required with kafka.sasl.enabled (the Secret of the Kafka passwords, one key per principal)" -}}{{- end -}}{{- end -}}
{{- with .Values.kafka.tls -}}{{- if and .enabled (not (and .secretName .caKey)) -}}{{- fail "kafka.tls.secretName and kafka.tls.caKey are required with kafka.tls.enabled (the Secret holding the CA of the brokers' certificates)" -}}{{- end -}}{{- end -}}
{{- if eq (int .Values.metricsPort) (int (.Values.services.gateway.port | default 0)) -}}{{- fail "metricsPort must differ from services.gateway.port: metrics and admin stay off the public port" -}}{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- if eq $name "admin" -}}{{- fail "services.admin: admin is the Kafka super user (the bootstrap job's login), not a service's principal" -}}{{- end -}}
{{- if not $svc.entry -}}{{- fail (printf "services.%s.entry is required (the bundle to run, e.g. dist/%s.mjs)" $name $name) -}}{{- end -}}
{{- range $key, $_ := ($svc.env | default dict) -}}
{{- if has $key (list "GATEWAY_DEV_LOGIN" "INPLAY_ENV") -}}{{- fail (printf "services.%s.env.%s is not allowed: the chart runs production (INPLAY_ENV=production) and never enables the dev login" $name $key) -}}{{- end -}}
{{- end -}}
{{- if and $svc.port (not $svc.portEnv) -}}{{- fail (printf "services.%s.portEnv is required with services.%s.port (the variable that sets the port)" $name $name) -}}{{- end -}}
{{- with $svc.autoscaling -}}{{- if .enabled -}}
{{- if gt (int .minReplicas) (int .maxReplicas) -}}{{- fail (printf "services.%s.autoscaling.minReplicas (%d) must not exceed maxReplicas (%d)" $name (int .minReplicas) (int .maxReplicas)) -}}{{- end -}}
{{- end -}}{{- end -}}
{{- end -}}
{{- end -}}
