{{- define "inplay.labels" -}}
app.kubernetes.io/part-of: inplay
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
