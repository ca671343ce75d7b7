#!/usr/bin/env bash
# Renders the driftwatch chart with helm and validates every document offline with
# deploy/helm-check (strict decoding into the k8s.io/api types, then driftwatch's rules). No
# cluster and no schema download: kubeconform's schemas live on GitHub, out of reach here.
#
#   deploy/helm/check.sh                  default values, then each driftwatch/ci/*-values.yaml;
#                                         also `helm lint --strict` with each
#   deploy/helm/check.sh ARGS...          one render: `helm template` with ARGS (-f, --set...)
#   deploy/helm/check.sh --manifest FILE  a manifest as it is, without helm
#   deploy/helm/check.sh --render ARGS... print what `helm template` renders with ARGS, unchecked
#
# Needs Go (1.26). The first run installs helm with `go install` and builds the checker, into
# .local/go, reused after: measured 4.5 minutes with empty Go caches, 20 s in a fresh clone once Go's
# module and build caches (~/go/pkg/mod, ~/.cache/go-build) are warm, under a second after that. Exit status: 0 when every render is valid, 1 when one is not, 2 on a setup error.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd) # paths given as arguments stay relative to the caller's directory
chart=$root/deploy/helm/driftwatch

helm_version=v3.22.0
# helm built by `go install` does not know its Kubernetes version and would render for 1.20; render
# for the version whose types deploy/helm-check decodes into (k8s.io/api v0.37 is Kubernetes 1.37).
kube_version=1.37.0
tools=$root/.local/go
helm=$tools/helm-$helm_version/helm
checker=$tools/bin/helm-check

command -v go >/dev/null || { echo "check.sh: Go is needed to install helm and build the checker (https://go.dev/dl/)" >&2; exit 2; }

if [[ ! -x $helm ]]; then
  echo "check.sh: installing helm $helm_version into ${helm#"$root"/} (go install; a few minutes the first time)" >&2
  GOBIN=$(dirname "$helm") go install "helm.sh/helm/v3/cmd/helm@$helm_version" || exit 2
fi
if [[ ! -x $checker ]] || [[ -n $(find "$root/deploy/helm-check" -newer "$checker" -type f) ]]; then
  echo "check.sh: building deploy/helm-check" >&2
  (cd "$root/deploy/helm-check" && go build -o "$checker" .) || exit 2
fi

# helm keeps its own settings here rather than in the user's ~/.config/helm and ~/.cache/helm.
export HELM_CONFIG_HOME=$tools/helm-home/config HELM_CACHE_HOME=$tools/helm-home/cache HELM_DATA_HOME=$tools/helm-home/data

template() { # HELM_ARGS...: the chart as `helm install dw --namespace driftwatch` would create it
  "$helm" template dw "$chart" --namespace driftwatch --kube-version "$kube_version" "$@"
}

case ${1:-} in
  --manifest) exec "$checker" "${@:2}" ;;
  --render) template "${@:2}"; exit ;;
esac

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
render() { template "${@:2}" >"$out/$1.yaml"; } # NAME HELM_ARGS...

if [[ $# -gt 0 ]]; then
  render values "$@" || exit 1
  cd "$out"
  "$checker" values.yaml # reported under that name
  exit
fi

lint_and_render() { # NAME HELM_ARGS...
  "$helm" lint --strict --quiet "$chart" --kube-version "$kube_version" "${@:2}" >&2 || exit 1
  render "$@" || exit 1
  renders+=("$1.yaml")
}
renders=()
# The example monitor config stands in for the one value the chart requires.
lint_and_render default --set-file "monitor.config=$root/deploy/monitors.example.yaml"
for values in "$chart"/ci/*-values.yaml; do
  lint_and_render "$(basename "$values" .yaml)" -f "$values"
done
cd "$out"
"$checker" "${renders[@]}"
