#!/usr/bin/env bash
# Creates the Secret holding the paging receiver's key when it is missing.
#   scripts/ensure-paging-secret.sh NAMESPACE NAME KEY RELEASE
# The key comes from $PAGING_ROUTING_KEY, else a placeholder that makes the
# paging receiver fail loudly instead of paging anyone. An existing Secret is
# left alone, so a real key set with kubectl survives every deploy. The helmfile
# runs this before installing the umbrella (a presync hook). The Secret carries
# Helm's ownership metadata for RELEASE, so a release that brings an encrypted
# key itself (the umbrella's alerting.pagingSecret.routingKey, helmfile's `sops`
# environment) takes the placeholder over instead of failing on it.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 NAMESPACE NAME KEY RELEASE" >&2; exit 2; }
namespace=$1 name=$2 key=$3 release=$4

if kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
  echo "paging secret $namespace/$name exists: left as it is"
  exit 0
fi
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
value=${PAGING_ROUTING_KEY:-not-configured}
# Through stdin, so the key never shows in the process list.
printf '%s' "$value" | kubectl -n "$namespace" create secret generic "$name" --from-file="$key=/dev/stdin" >/dev/null
kubectl -n "$namespace" label secret "$name" app.kubernetes.io/managed-by=Helm >/dev/null
kubectl -n "$namespace" annotate secret "$name" "meta.helm.sh/release-name=$release" "meta.helm.sh/release-namespace=$namespace" >/dev/null
if [ -n "${PAGING_ROUTING_KEY:-}" ]; then
  echo "paging secret $namespace/$name created from PAGING_ROUTING_KEY"
else
  echo "paging secret $namespace/$name created with a placeholder (set PAGING_ROUTING_KEY, or edit the Secret, to page for real)"
fi
