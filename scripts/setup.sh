#!/usr/bin/env bash
# Sets up leanconv on a fresh Debian machine: system packages, npm dependencies, native addon, TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh "$@"
# onnxruntime-node's install script would download CUDA binaries; its CPU build ships inside the package.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci
