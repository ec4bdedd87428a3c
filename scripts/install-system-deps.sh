#!/usr/bin/env bash
# Installs the Debian packages leanconv needs: libtorch (compute engine) with Gloo's headers (libgloo-dev:
# c10d's CPU backend for distributed training is compiled into the addon), OpenBLAS (libtorch's BLAS through
# Debian's alternatives; the reference BLAS it would otherwise use is 35-45x slower), Fashion-MNIST,
# Chromium (the browser the tests drive, through playwright-core, to check `leanconv serve`'s page), and
# PyTorch (python3-torch: the tests save checkpoints with torch.save, as users make them, and import them),
# libjpeg-turbo's headers (libjpeg-dev: the image codec the data loaders call), and for the image-pipeline tests
# real photographs (plasma-workspace-wallpapers) and the peer they are checked against (torchvision + Pillow).
# Extra packages can be named as arguments.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q libtorch-dev libgloo-dev libopenblas0-openmp dataset-fashion-mnist python3-torch libjpeg-dev \
  python3-pil python3-torchvision plasma-workspace-wallpapers "$@"
$SUDO apt-get install -y -q --no-install-recommends chromium
