#!/usr/bin/env bash
# Turn a built bento into a local container image, without any image registry:
#
#   deploy/image/containerize.sh <bento-tag> <image-name>     e.g. mlgate:latest localhost/mlgate:dev
#
# Runs `bentoml containerize` with podman (or docker when `docker info` works; CONTAINER_ENGINE
# overrides) on top of the base image from build-base.sh, which it builds first when the bento
# uses it (cached: a no-op once built). The RUN steps of the build use the host's network and, with
# podman, the host's CA bundle (bind-mounted read-only, not copied into the image), so the bento's
# locked requirements install from the package index the host reaches. Prints the image name.
# Env: BENTOML (default: bentoml on PATH, else .venv/bin/bentoml), BENTOML_HOME, MLGATE_BASE_IMAGE.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "containerize.sh: error: $*" >&2; exit 1; }
log() { echo "containerize.sh: $*" >&2; }

[ $# -eq 2 ] || die "usage: $0 <bento-tag> <image-name>"
bento=$1
image=$2
base_default=${MLGATE_BASE_IMAGE:-localhost/mlgate-base:bookworm-py311}

if [ -n "${BENTOML:-}" ]; then :
elif command -v bentoml >/dev/null 2>&1; then BENTOML=bentoml
elif [ -x "$here/../../.venv/bin/bentoml" ]; then BENTOML=$here/../../.venv/bin/bentoml
else die "bentoml not found (run 'make setup', or set BENTOML=/path/to/bentoml)"; fi

if [ -n "${CONTAINER_ENGINE:-}" ]; then
  ENGINE=$CONTAINER_ENGINE
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  ENGINE=docker
else
  ENGINE=podman
fi
export CONTAINER_ENGINE=$ENGINE   # build-base.sh uses the same engine
command -v "$ENGINE" >/dev/null 2>&1 || die "'$ENGINE' not found (apt-get install podman runc, see deploy/image/README.md)"
"$ENGINE" info >/dev/null 2>&1 || die "'$ENGINE info' fails: see deploy/image/README.md for the podman set-up"

info=$("$BENTOML" get "$bento" -o json 2>&1) || die "bento '$bento' not found: $info"
base=$(printf '%s' "$info" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print((d.get("image") or {}).get("base_image") or (d.get("docker") or {}).get("base_image") or "")')

if [ "$base" = "$base_default" ]; then
  MLGATE_BASE_IMAGE=$base "$here/build-base.sh" >/dev/null
elif [ -z "$base" ] || ! "$ENGINE" image inspect "$base" >/dev/null 2>&1; then
  log "warning: the bento's base image '${base:-python:*-slim (BentoML default)}' is not local; building it" \
    "needs an image registry. Set docker.base_image: $base_default in bentofile.yaml."
fi

opts=(--backend "$ENGINE" --image-tag "$image" --opt network=host)
if [ "$ENGINE" = podman ]; then
  ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  [ -f "$ca" ] || die "no CA bundle at $ca"
  # One --opt volume only: BentoML joins several into one malformed --volume argument.
  opts+=(--opt "volume=$ca:/etc/ssl/certs/ca-certificates.crt:ro")
fi

log "$BENTOML containerize $bento ${opts[*]}"
start=$SECONDS
"$BENTOML" containerize "$bento" "${opts[@]}" >&2 || die "bentoml containerize failed (build log above)"
"$ENGINE" image inspect "$image" >/dev/null 2>&1 || die "the build reported success but image '$image' is missing"
size=$("$ENGINE" image inspect --format '{{.Size}}' "$image")
log "built $image from $bento in $((SECONDS - start)) s ($((size / 1000000)) MB)"
echo "$image"
