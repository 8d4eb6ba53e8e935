#!/bin/bash
# The GPU check, run ON the CUDA test machine from the repo root with .device/ from scripts/prepare-device.sh (that
# machine has no Node and no node_modules). Each step runs in its own process under its own timeout, inside one
# overall budget, so a hang costs one step and the table is always printed, last. Details go under $OUT when set.
#   PIVOT_CHECK_BUDGET_S  seconds for everything (default 480)
#   PIVOT_CHECK_ONLY      step names to run, e.g. "kernels bench" (default: all; the probe always runs)
#   PIVOT_CHECK_BENCHES   "preset objective batch steps" entries separated by ';'
#   PIVOT_GPU_CHECK_BACKEND=native  the same checks against the CPU device (proves the logic without a GPU)
set -u
cd "$(dirname "$0")/.."
budget=${PIVOT_CHECK_BUDGET_S:-480}
benches=${PIVOT_CHECK_BENCHES:-tiny sft 16 10;tiny dpo 16 10;base sft 8 4;base dpo 8 4}
only=${PIVOT_CHECK_ONLY:-}
start=$(date +%s)
work=$(mktemp -d /tmp/pivot-gpu-check.XXXXXX)
export OUT=${OUT:-$work}
mkdir -p "$OUT"
log=$OUT/gpu-check.log
steps=$work/steps.tsv
: > "$steps"

# Everything unpacks into the work folder, .device/ stays as it travelled: Node, the addon, the bundle and beside it
# sharp with libvips (the bundle imports sharp from its own node_modules).
mkdir -p "$work/node_modules"
if ! { xz -dc .device/node.xz > "$work/node" && chmod +x "$work/node" && xz -dc .device/pivot_native.node.xz > "$work/pivot_native.node" &&
  tar -C "$work/node_modules" -xJf .device/sharp.tar.xz && cp .device/gpu-check.mjs "$work/"; }; then
  echo "device-check: .device/ is incomplete: run scripts/prepare-device.sh first"
  exit 1
fi
node=$work/node
check=$work/gpu-check.mjs
export LD_LIBRARY_PATH=/usr/local/cuda/targets/x86_64-linux/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PIVOT_NATIVE_ADDON=$work/pivot_native.node
command -v nvidia-smi > /dev/null && timeout 20 nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1

# run_step NAME TIMEOUT_S ARGS…: one step of the bundle, its rows in a JSON file, its exit code in steps.tsv.
run_step() {
  local name=$1 limit=$2
  shift 2
  if [ -n "$only" ] && [ "$1" != probe ] && [[ " $only " != *" $1 "* ]]; then return 0; fi
  local left=$((budget - ($(date +%s) - start) - 15))
  if [ "$left" -lt 20 ]; then
    printf '%s\t-1\t0\tnot run: %s s of the %s s budget left\n' "$name" "$((left + 15))" "$budget" >> "$steps"
    return 0
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  local file=$work/$(printf '%s' "$name" | tr -c 'A-Za-z0-9' _).json t0
  t0=$(date +%s)
  echo "=== $name (at most $limit s) $(date -u +%T)" | tee -a "$log"
  PIVOT_GPU_CHECK_RESULT=$file PIVOT_GPU_CHECK_STEP_S=$limit timeout -k 10 "$limit" "$node" "$check" "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(($(date +%s) - t0))" "$file" >> "$steps"
  return "$rc"
}

if run_step probe 60 probe; then
  run_step kernels 150 kernels
  run_step fused 90 fused
  run_step "tiny SFT step" 120 sft
  run_step "tiny DPO step" 180 dpo
  run_step "HF parity" 90 hf
  run_step "TF32" 90 tf32
  run_step "out of memory" 90 oom
  IFS=';' read -ra entries <<< "$benches"
  for entry in "${entries[@]}"; do
    read -r preset objective batch count <<< "$entry"
    [ "$preset" = base ] && limit=180 || limit=90
    run_step "bench $entry" "$limit" bench "$preset" "$objective" "$batch" "$count"
    run_step "peer $entry" "$limit" peer "$preset" "$objective" "$batch" "$count"
  done
fi

echo "=== report after $(($(date +%s) - start)) s; details in $OUT" | tee -a "$log"
"$node" "$check" report "$steps"
