#!/bin/bash
# The GPU kit's entry point, copied into the kit as run.sh by scripts/gpu-kit.sh (docs/gpu-kit.md):
#   bash .gpukit/run.sh OUTDIR [gpu-check options, e.g. --quick --allow-fallback]
# Unpacks the carried Node binary and dawn.node (xz) into a work folder outside the kit ($SYNFIRE_KIT_WORK, default
# /tmp/synfire-gpukit; the kit itself stays as packed, so it can travel again), brings the Vulkan loader (carried
# Debian .debs) when the machine has none, points Vulkan at the NVIDIA ICD when one is mounted and nothing else was
# chosen, prints what it found, then runs the bundled check with the carried Node. Needs bash, coreutils, xz (or
# python3) and, for the .debs, dpkg and root. Exit code: the check's (docs/gpu-kit.md), or 4 when the kit cannot be
# unpacked.
set -u
K=$(cd "$(dirname "$0")" && pwd)
OUTDIR=${1:?usage: run.sh OUTDIR [gpu-check options]}
shift
mkdir -p "$OUTDIR"
LOG="$OUTDIR/gpu-kit.log"
log() { echo "gpu-kit: $*" | tee -a "$LOG"; }

# xz -d with a python3 fallback (some images lack xz-utils); skipped when the same .xz was unpacked before.
unpack() {
  local src=$1 dst=$2 id
  id="$(stat -c '%s %Y' "$src")"
  [ -s "$dst" ] && [ "$(cat "$dst.id" 2>/dev/null)" = "$id" ] && return 0
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$src" >"$dst.part" || return 1
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$src" "$dst.part" || return 1
  fi
  mv "$dst.part" "$dst" && echo "$id" >"$dst.id"
}
W=${SYNFIRE_KIT_WORK:-/tmp/synfire-gpukit}
mkdir -p "$W/bin" "$W/node_modules/webgpu/dist/linux-x64" || { log "cannot create $W"; exit 4; }
unpack "$K/bin/node.xz" "$W/bin/node" && chmod +x "$W/bin/node" || { log "cannot unpack $K/bin/node.xz into $W"; exit 4; }
unpack "$K/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$W/node_modules/webgpu/dist/linux-x64/dawn.node" || { log "cannot unpack dawn.node.xz into $W"; exit 4; }
cp "$K/gpu-check.mjs" "$K/kit.json" "$W/" && cp "$K/node_modules/webgpu/package.json" "$K/node_modules/webgpu/index.js" "$W/node_modules/webgpu/" ||
  { log "cannot copy the bundle into $W"; exit 4; }

# The Vulkan loader (and libglvnd, which NVIDIA's ICD library links against) from the carried .debs, if missing.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' || ! ldconfig -p 2>/dev/null | grep -q 'libGLdispatch\.so\.0'; then
  if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1 && ls "$K"/gl/*.deb >/dev/null 2>&1; then
    for f in "$K"/gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    log "unpacked $(ls "$K"/gl/*.deb | wc -l) carried .debs (Vulkan loader, libglvnd)"
  else
    log "no Vulkan loader or libglvnd, and the carried .debs cannot be unpacked here (needs root and dpkg)"
  fi
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}${VK_ADD_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
      break
    fi
  done
fi

{
  echo "gpu-kit: kit $(cat "$K/kit.json" 2>/dev/null | tr -d '\n')"
  echo "gpu-kit: $(uname -m), node $("$W/bin/node" --version 2>&1) in $W, VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L
  ldconfig -p 2>/dev/null | grep -E 'libvulkan\.so|libGLX_nvidia|libGLdispatch|libnvidia-glcore' | sed 's/^/gpu-kit: /'
  [ -n "${VK_DRIVER_FILES:-}" ] && [ -f "$VK_DRIVER_FILES" ] && tr -d '\n ' <"$VK_DRIVER_FILES" | sed 's/^/gpu-kit: ICD /' && echo
} 2>&1 | tee -a "$LOG"

set -o pipefail
"$W/bin/node" --max-old-space-size="${SYNFIRE_HEAP_MB:-32768}" "$W/gpu-check.mjs" "$OUTDIR" --traces "$K/traces" --data-dir "$K/mnist" "$@" 2>&1 | tee -a "$LOG"
rc=$?
log "gpu-check exit code $rc"
exit $rc
