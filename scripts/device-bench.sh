#!/usr/bin/env bash
# Runs on a lent GPU machine (the device tool), from the repository root, with .device/ carried
# (scripts/device-pack.sh): rnnc's benchmark on Dawn over the GPU's Vulkan driver, then the same models in
# PyTorch with cuDNN, TF32 off. Everything goes to $OUT (the device tool's folder; /tmp/rnnc-device
# elsewhere): gpu.txt, rnnc.md + results-node.json + rnnc.log, pytorch.md + pytorch.json + pytorch.log.
# QUICK=1 takes 1 sample per task instead of the median of 3; MODELS=M1,M3 a subset. A step that fails is logged and the next runs.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-/tmp/rnnc-device}
mkdir -p "$OUT"
quick=${QUICK:+--quick}
models=${MODELS:+--model $MODELS}   # e.g. MODELS=M1,M3
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/gpu.txt" 2>&1 || echo "no nvidia-smi" > "$OUT/gpu.txt"
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  for f in .device/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
done
echo "vulkan driver: ${VK_ICD_FILENAMES:-none found, left to Dawn}" >> "$OUT/gpu.txt"
node=/tmp/rnnc-node
xz -dc .device/node.xz > "$node" && chmod +x "$node"
dawn=.device/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || xz -dc "$dawn.xz" > "$dawn"
# The bundle exports main(argv) (scripts/bench.mjs calls it the same way); Dawn may keep the loop alive.
RNNC_ROOT="$PWD" timeout 420 "$node" --input-type=module \
  -e "const { main } = await import('$PWD/.device/bench-node.mjs'); process.exit(await main(process.argv.slice(1)));" \
  -- $quick $models --out "$OUT/results-node.json" > "$OUT/rnnc.md" 2> "$OUT/rnnc.log"
echo "rnnc: exit $?" >> "$OUT/gpu.txt"
timeout 240 python3 src/bench/pytorch_rnn.py $quick $models --out "$OUT/pytorch.json" > "$OUT/pytorch.md" 2> "$OUT/pytorch.log"
echo "pytorch: exit $?" >> "$OUT/gpu.txt"
cat "$OUT/gpu.txt" "$OUT/rnnc.md" "$OUT/pytorch.md"
tail -n 5 "$OUT/rnnc.log" "$OUT/pytorch.log"
