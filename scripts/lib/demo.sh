# shellcheck shell=bash
# What the two demos (rollback-demo.sh, autoscale-demo.sh) share: a timeline
# of events stamped from the demo's start, and the revision helm has deployed.

# start_timeline: T+0 is now.
start_timeline() {
  timeline_since=$(node -e 'console.log(Date.now())')
}
stamp() { node -e "console.log('T+' + String(Math.round((Date.now() - $timeline_since) / 1000)).padStart(4) + 's')"; }
# event TEXT...: one line of the timeline.
event() { printf '%s  ** %s\n' "$(stamp)" "$*"; }

# deployed_revision RELEASE NAMESPACE CONTEXT: the release's revision whose status is deployed; fails when none is.
deployed_revision() {
  helm history "$1" -n "$2" --kube-context "$3" --max 50 -o json |
    node -e 'const h = JSON.parse(require("fs").readFileSync(0, "utf8")); const d = h.filter((r) => r.status === "deployed").pop(); if (!d) process.exit(1); console.log(d.revision)'
}
