#!/usr/bin/env bash
# Build the local base image for bento containers from Debian packages only (no image registry):
# debootstrap (minbase) a Debian root file system, add Python and uv, `podman import` it.
#
#   deploy/image/build-base.sh [--force]
#
# Idempotent: skips when the image exists and carries the same recipe label (a changed recipe in
# this file, or --force, rebuilds it). Needs root, debootstrap and podman (or a working docker).
# Env: MLGATE_BASE_IMAGE (default localhost/mlgate-base:bookworm-py311), DEBIAN_MIRROR,
#      CONTAINER_ENGINE (podman|docker; default: docker when `docker info` works, else podman).
set -euo pipefail

IMAGE=${MLGATE_BASE_IMAGE:-localhost/mlgate-base:bookworm-py311}
SUITE=bookworm            # Debian 12: its python3 is 3.11, the project's Python
PYTHON_VERSION=3.11
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
UV_VERSION=0.13.9         # BentoML's Dockerfile runs `uv venv` + `uv pip install`; pip can't add uv (PEP 668)
# python3*: the bento's venv; ca-certificates: TLS to the package index; the rest is what BentoML's
# generated Dockerfile apt-installs on any debian-distro base anyway (installing them here makes
# that step a no-op instead of a download on every containerize).
PACKAGES=python3,python3-venv,python3-pip,ca-certificates,bash,curl,gnupg2,build-essential,git,passwd
FORCE=0

die() { echo "build-base.sh: error: $*" >&2; exit 1; }
log() { echo "build-base.sh: $*" >&2; }

for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (usage: $0 [--force])" ;;
  esac
done

if [ -n "${CONTAINER_ENGINE:-}" ]; then
  ENGINE=$CONTAINER_ENGINE
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  ENGINE=docker
else
  ENGINE=podman
fi
command -v "$ENGINE" >/dev/null 2>&1 || die "'$ENGINE' not found (apt-get install podman runc)"

# The recipe label: rebuild when anything that shapes the image changes.
RECIPE=$(printf '%s\n' "$SUITE" "$MIRROR" "$SECURITY_MIRROR" "$UV_VERSION" "$PACKAGES" \
  "$(sed -n '/^# --- recipe ---/,$p' "$0")" | sha256sum | cut -c1-16)

old_id=$("$ENGINE" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if [ "$FORCE" = 0 ] && [ -n "$old_id" ]; then
  have=$("$ENGINE" image inspect --format '{{ index .Config.Labels "org.mlgate.base.recipe" }}' "$IMAGE" 2>/dev/null || true)
  if [ "$have" = "$RECIPE" ]; then
    log "$IMAGE exists (recipe $RECIPE): nothing to do"
    echo "$IMAGE"
    exit 0
  fi
  log "$IMAGE exists with recipe '${have:-none}', this script's is $RECIPE: rebuilding"
fi

# --- recipe ---
[ "$(id -u)" -eq 0 ] || die "debootstrap and chroot need root"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found (apt-get install debootstrap)"
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] \
  || die "no /usr/share/keyrings/debian-archive-keyring.gpg (apt-get install debian-archive-keyring)"
HOST_CA=/etc/ssl/certs/ca-certificates.crt
[ -f "$HOST_CA" ] || die "no host CA bundle at $HOST_CA (needed to reach the package index)"

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlgate-base.XXXXXX")
root=$work/rootfs
cleanup() {
  mountpoint -q "$root/proc" 2>/dev/null && umount -l "$root/proc"
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

log "debootstrap $SUITE (minbase + $PACKAGES) from $MIRROR"
debootstrap --variant=minbase --include="$PACKAGES" \
  --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }

cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
# Keep images small (as Debian's official images do): BentoML's Dockerfile runs `apt-get update`,
# which would otherwise leave ~160 MB of uncompressed lists and binary caches in a layer.
cat >"$root/etc/apt/apt.conf.d/90mlgate" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
EOF
cat >"$root/etc/dpkg/dpkg.cfg.d/90mlgate-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF

mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

log "apt-get upgrade (updates + security)"
in_root apt-get update -qq
in_root apt-get -y -qq -o Dpkg::Options::=--force-confdef upgrade >"$work/upgrade.log" 2>&1 \
  || { tail -n 30 "$work/upgrade.log" >&2; die "apt-get upgrade in the root file system failed"; }

log "pip install uv==$UV_VERSION"
# The host's CA bundle only for this download (it may hold a proxy's CA); it is not kept in the image.
cp "$HOST_CA" "$root/tmp/host-ca.crt"
in_root python3 -m pip install --quiet --no-cache-dir --break-system-packages --root-user-action=ignore \
  --cert /tmp/host-ca.crt ${PIP_INDEX_URL:+--index-url "$PIP_INDEX_URL"} "uv==$UV_VERSION" \
  || die "pip install uv==$UV_VERSION failed inside the root file system"
rm -f "$root/tmp/host-ca.crt"

got=$(in_root python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$got" = "$PYTHON_VERSION" ] || die "python3 in $SUITE is $got, expected $PYTHON_VERSION"
in_root uv --version >/dev/null || die "uv does not run in the root file system"

umount "$root/proc"
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log \
  "$root"/root/.cache "$root"/tmp/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
: >"$root/etc/resolv.conf"   # the engine provides its own at run time
echo mlgate-base >"$root/etc/hostname"

log "$ENGINE import -> $IMAGE"
tar --numeric-owner --xattrs -C "$root" -c . | "$ENGINE" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV UV_PYTHON_DOWNLOADS=never' \
  --change "LABEL org.mlgate.base.recipe=$RECIPE" \
  --change "LABEL org.mlgate.base.source=debootstrap-$SUITE" \
  --change 'CMD ["/bin/bash"]' \
  --message "debootstrap $SUITE minbase + python$PYTHON_VERSION + uv $UV_VERSION" \
  - "$IMAGE" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; die "$ENGINE import failed"; }

new_id=$("$ENGINE" image inspect --format '{{.Id}}' "$IMAGE")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  "$ENGINE" rmi "$old_id" >/dev/null 2>&1 || true   # the replaced base, unless images still use it
fi
log "built $IMAGE in $((SECONDS - start)) s ($("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE") bytes)"
echo "$IMAGE"
