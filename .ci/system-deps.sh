#!/usr/bin/env bash
# The system packages the tests need, installed only when missing (sudo when not root):
# make, git, Python's venv, podman + runc and debootstrap (the container test builds its base
# image from Debian packages), and a rootful-podman config for container-less CI machines.
set -euo pipefail

packages=()
command -v make >/dev/null 2>&1 || packages+=(make)
command -v git >/dev/null 2>&1 || packages+=(git)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages+=(python3-venv)
command -v podman >/dev/null 2>&1 || packages+=(podman runc)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ((${#packages[@]})); then
  echo "installing: ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}"
fi

# deploy/k8s is rendered with `kubectl kustomize` (kustomize v5). Debian's kubernetes-client is
# far too old (1.20), so the tests use the kubectl the machine ships; say so if missing.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "error: kubectl >= 1.27 is needed to test deploy/k8s (https://kubernetes.io/docs/tasks/tools/)" >&2
  exit 1
fi

# Rootful podman in a container-less CI machine: no default rlimits it may not set, runc runtime.
if [ ! -f /etc/containers/containers.conf.d/50-mlgate.conf ]; then
  $sudo mkdir -p /etc/containers/containers.conf.d
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' |
    $sudo tee /etc/containers/containers.conf.d/50-mlgate.conf >/dev/null
fi
