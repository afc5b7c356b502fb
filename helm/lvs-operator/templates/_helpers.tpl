{{- define "lvs.labels" -}}
app.kubernetes.io/part-of: lvs-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "lvs.operator.selector" -}}
app.kubernetes.io/name: lvs-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* the operator finds directors by this label: keep it in step with --dataplane-selector */}}
{{- define "lvs.dataplane.selector" -}}
app.kubernetes.io/name: lvs-dataplane
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
