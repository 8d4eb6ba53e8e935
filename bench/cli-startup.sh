#!/usr/bin/env bash
# Benchmark: wall time of `pivot --help`, `pivot data shapes --count 5` and `pivot doctor` (hyperfine, warm cache),
# for this checkout's built CLI, the same commands from source (PIVOT_FROM_SOURCE=1), and optionally another checkout
# (a baseline, e.g. before the CLI was built). Run `npm run build` first.
# Usage: bash bench/cli-startup.sh [BASELINE_CHECKOUT]   → prints a Markdown table for bench/RESULTS.md
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
baseline=${1:-}
command -v hyperfine > /dev/null || { echo 'needs hyperfine (apt-get install hyperfine)' >&2; exit 1; }
node --input-type=module -e "
  import { upToDateBuiltCli } from '$here/bin/built-cli.mjs';
  if (!upToDateBuiltCli('$here')) { console.error('the build is missing or older than the sources: run npm run build'); process.exit(1); }"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

commands=()
add() { # label, checkout, env prefix
  commands+=(-n "$1 --help" "$3 node $2/bin/pivot.mjs --help")
  commands+=(-n "$1 data shapes --count 5" "$3 node $2/bin/pivot.mjs data shapes --count 5 --out $out/shapes")
  commands+=(-n "$1 doctor" "$3 node $2/bin/pivot.mjs doctor")
}
add built "$here" ''
add source "$here" 'PIVOT_FROM_SOURCE=1'
[ -n "$baseline" ] && add baseline "$baseline" ''

hyperfine --warmup 1 --runs "${RUNS:-5}" --prepare "rm -rf $out/shapes" --export-json "$out/runs.json" "${commands[@]}" > /dev/null
echo "CLI start-up — $(date -u +%F), $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), Node $(node --version), load $(cut -d' ' -f1 /proc/loadavg)"
echo
# CPU time (user + system, the host process's included) moves less than wall time on a shared machine.
node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  const { results } = JSON.parse(readFileSync('$out/runs.json', 'utf8'));
  const s = (x) => x.toFixed(2);
  console.log('| command | wall, median (min–max) | CPU user + sys, mean |');
  console.log('|---|---:|---:|');
  for (const r of results) console.log('| ' + r.command + ' | ' + s(r.median) + ' s (' + s(r.min) + '–' + s(r.max) + ') | ' + s(r.user + r.system) + ' s |');"
