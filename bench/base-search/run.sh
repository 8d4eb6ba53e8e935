#!/usr/bin/env bash
# Issue 15's search for a base MLLM that sees: trains each recipe's shared stages (its branches are one step, so
# only the base counts) on the native backend, then asks the instruct checkpoint the world's held-out questions
# (`pivot eval qa`, per kind) and prints one Markdown row per recipe for bench/RESULTS.md.
# Usage: bash bench/base-search/run.sh [--threads N] RECIPE.yaml...   (work folders under $OUT, default /tmp/base-search)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
threads=$(nproc)
if [ "${1:-}" = --threads ]; then threads=$2; shift 2; fi
out=${OUT:-/tmp/base-search}
mkdir -p "$out"
echo "| recipe | wall (train) | label loss (last 10 %) | QA all | colour | shape | count | relation | position |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for recipe in "$@"; do
  name=$(basename "$recipe" .yaml)
  ws="$out/$name"
  rm -rf "$ws"
  start=$(date +%s)
  node "$here/bin/pivot.mjs" train --workspace "$ws" --recipe "$recipe" --backend native --threads "$threads" --json > "$ws.train.json"
  wall=$(( $(date +%s) - start ))
  run=$(ls -d "$ws"/runs/*/ | head -1)
  instruct=$(ls -d "$run"checkpoints/instruct-* | sort -t- -k2 -n | tail -1)
  # A recipe on a dataset folder (data.folder) trains on that folder; a Shapes recipe on the world in the run's data/.
  data="$run/data"
  [ -d "$data" ] || data=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["data"]["resolvedFolder"])' "$run/recipe.json")
  node "$here/bin/pivot.mjs" eval qa --checkpoint "$instruct" --data "$data" --backend native --threads "$threads" --json > "$ws.qa.json"
  python3 - "$run/metrics.jsonl" "$ws.qa.json" "$name" "$wall" <<'PY'
import json, sys
metrics, qa, name, wall = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], int(sys.argv[4])
losses = [json.loads(l)['values']['loss'] for l in open(metrics) if '"pretrain-encoder"' in l and '"metrics"' in l]
tail = losses[-max(1, len(losses) // 10):]
label_loss = f'{sum(tail) / len(tail):.3f}' if tail else '–'  # a recipe without a labels stage
kinds = qa['perKind']
cell = lambda k: f"{kinds[k]['accuracy']:.3f} ± {kinds[k]['se']:.3f}" if k in kinds else '–'  # no question of that kind
print(f"| {name} | {wall // 60} min {wall % 60} s | {label_loss} | {qa['accuracy']:.3f} ± {qa['se']:.3f} | "
      + ' | '.join(cell(k) for k in ['colour', 'shape', 'count', 'relation', 'position']) + ' |')
PY
done
