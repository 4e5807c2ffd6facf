#!/usr/bin/env bash
# Packs what the GPU-machine benchmark needs into .device/ (gitignored) for the device tool's `carry`. A lent
# GPU machine has no Node, no Chromium and no network (spec/performance.md "On a real GPU"):
#   .device/node.xz                       this machine's Node binary, xz-compressed
#   .device/node_modules/webgpu/          Dawn's Node binding (index.js, package.json, dawn.node.xz for linux-x64)
#   .device/bench-node.mjs                src/bench/node-run.ts bundled: compiler, runtime and benchmark
#   .device/debs/libvulkan1_*.deb         the Vulkan loader, unpacked there only if the machine lacks one
# Then call the device tool with carry [".device"] and command "bash scripts/device-bench.sh".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "device-pack: node_modules/webgpu missing: run npm ci" >&2; exit 1; }
rm -rf .device
mkdir -p .device/node_modules/webgpu/dist/linux-x64 .device/debs
xz -T2 -6 -c "$(command -v node)" > .device/node.xz
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/node_modules/webgpu/
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/node_modules/webgpu/dist/linux-x64/dawn.node.xz
cp "$(RNNC_BENCH_BUILD_ONLY=1 node scripts/bench.mjs --node)" .device/bench-node.mjs
(cd .device/debs && apt-get download libvulkan1 >/dev/null)
echo "device-pack: .device/ $(du -sh .device | cut -f1) (the device tool carries at most 64 MiB with the tree)"
