#!/usr/bin/env bash
# Creates the Secret with the object storage's access keys when it is missing,
# for the in-cluster store of the production environment on kind (a presync
# hook of the helmfile's object-storage release):
#   scripts/ensure-object-storage-secret.sh NAMESPACE NAME
# The keys come from $OBJECT_STORAGE_ACCESS_KEY_ID and
# $OBJECT_STORAGE_SECRET_ACCESS_KEY when both are set, else they are generated.
# The Secret holds them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: the
# store's admin identity reads them, and so do Thanos, Loki and Tempo. An
# existing Secret is left alone. Never in git, never in a Helm release.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 NAMESPACE NAME" >&2; exit 2; }
namespace=$1 name=$2

if kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
  echo "object storage secret $namespace/$name exists: left as it is"
  exit 0
fi
if [ -n "${OBJECT_STORAGE_ACCESS_KEY_ID:-}" ] && [ -n "${OBJECT_STORAGE_SECRET_ACCESS_KEY:-}" ]; then
  access_key=$OBJECT_STORAGE_ACCESS_KEY_ID secret_key=$OBJECT_STORAGE_SECRET_ACCESS_KEY origin="from OBJECT_STORAGE_ACCESS_KEY_ID and OBJECT_STORAGE_SECRET_ACCESS_KEY"
else
  # 20 and 40 characters, as S3 access keys are. A bounded read, so no stage
  # of the pipe is cut off early (pipefail would fail on the SIGPIPE).
  random_chars() { # ALPHABET LENGTH
    local chars
    chars=$(head -c 8192 /dev/urandom | LC_ALL=C tr -dc "$1")
    printf '%s' "${chars:0:$2}"
  }
  access_key=$(random_chars 'A-Z0-9' 20)
  secret_key=$(random_chars 'A-Za-z0-9' 40)
  origin="with generated keys"
fi
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
# Through a file on stdin, so the keys never show in the process list.
printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$access_key" "$secret_key" |
  kubectl -n "$namespace" create secret generic "$name" --from-env-file=/dev/stdin >/dev/null
echo "object storage secret $namespace/$name created $origin"
