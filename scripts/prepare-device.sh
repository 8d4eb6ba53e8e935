#!/bin/sh
# Prepares .device/ (git-ignored) for scripts/device-check.sh on the CUDA test machine, which has no Node, no
# network and no node_modules: this machine's Node, the addon built with CUDA for a common CPU level, the GPU check
# bundled into one file, and sharp (the engine decodes images with it) with its libvips. See test/gpu/README.md.
set -eu
cd "$(dirname "$0")/.."

sh ../shared/gpu/pack-node.sh

# The portable build goes to a folder of its own, so this machine's addon (built for its CPU) stays as it is.
build=src-main/native/build/device
node scripts/build-native.mjs --strict --out "$build" -DPIVOT_MARCH=x86-64-v3
grep -q '"withCuda": true' "$build/status.json" || { echo "prepare-device: the addon was built without CUDA (is nvcc installed?)" >&2; exit 1; }
# Compressed: the fat binary (four GPU architectures and PTX) shrinks about tenfold.
xz -T0 -6 -c "$build/Release/pivot_native.node" > .device/pivot_native.node.xz

# An ES-module bundle: Node's own modules are reached through `require` in the CommonJS parts, so the banner
# defines it (and __filename / __dirname) from import.meta.url. sharp stays outside, with its native binaries.
banner="import { createRequire as __bundleRequire } from 'node:module'; import { fileURLToPath as __bundlePath } from 'node:url'; import { dirname as __bundleDir } from 'node:path'; const require = __bundleRequire(import.meta.url); const __filename = __bundlePath(import.meta.url); const __dirname = __bundleDir(__filename);"
npx esbuild --bundle --platform=node --format=esm --target=node20 --main-fields=module,main --external:sharp \
  --log-level=warning "--banner:js=$banner" --outfile=.device/gpu-check.mjs test/gpu/check.ts

# sharp and what it loads at run time, unpacked next to the bundle by device-check.sh.
tar -C node_modules -cJf .device/sharp.tar.xz sharp @img/colour @img/sharp-linux-x64 @img/sharp-libvips-linux-x64 detect-libc semver

# What travels is the working tree plus .device/, 64 MiB in all.
total=$(du -sk .device | cut -f1)
tree=$(git ls-files -co --exclude-standard -z | du -ck --files0-from=- 2>/dev/null | tail -1 | cut -f1)
ls -l .device
echo "prepare-device: .device/ is $((total / 1024)) MiB, the rest of the working tree $((tree / 1024)) MiB (64 MiB at most together)"
if [ "$total" -gt $((60 * 1024)) ] || [ $((total + tree)) -gt $((63 * 1024)) ]; then
  echo "prepare-device: too large to travel" >&2
  exit 1
fi
