#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian 12 machine for synfire: system packages, then npm ci.
# - chromium (its chromium-common ships SwiftShader's Vulkan ICD, used by Dawn in Node and by headless Chromium)
# - libvulkan1 (the Vulkan loader Dawn dlopens)
# - dataset-fashion-mnist (the official Fashion-MNIST IDX files, gzip, under /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(chromium libvulkan1 dataset-fashion-mnist)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "install.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  echo "install.sh: /usr/lib/chromium/vk_swiftshader_icd.json is missing after installing chromium" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
