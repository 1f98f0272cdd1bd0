#!/usr/bin/env bash
# Tears down what scripts/kind-up.sh built: the kind cluster, and with it every
# release, volume and loaded image in it.
#   scripts/kind-down.sh            delete the cluster
#   scripts/kind-down.sh --images   also remove the two app images from Docker
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"

remove_images=false
case "${1:-}" in
  "") ;;
  --images) remove_images=true ;;
  *) die "usage: $0 [--images]" ;;
esac
command -v kind >/dev/null || die "kind is not installed, so there is no kind cluster to delete"

if kind get clusters 2>/dev/null | grep -qx "$MENAGERIE_CLUSTER"; then
  log "deleting the kind cluster $MENAGERIE_CLUSTER"
  kind delete cluster --name "$MENAGERIE_CLUSTER"
else
  log "no kind cluster named $MENAGERIE_CLUSTER: nothing to delete"
fi

if $remove_images; then
  command -v docker >/dev/null || die "docker is not installed: cannot remove the images"
  # Every tag kind-up.sh built (one per revision it deployed).
  for chart in "$MENAGERIE_SERVER" "$MENAGERIE_CLIENT"; do
    for image in $(docker image ls "$chart" --format '{{.Repository}}:{{.Tag}}'); do
      docker image rm "$image" >/dev/null && log "removed image $image"
    done
  done
fi
log "done"
