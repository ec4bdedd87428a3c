#!/usr/bin/env bash
# Proves the package works from its tarball, not from the checkout: `npm pack`, install the tarball into an
# empty project (which builds the native addon against the system's libtorch), then use it as a library
# (ESM import, type-checked against the shipped declarations) and as `npx leanconv`.
# Needs what scripts/setup.sh installs (libtorch-dev, a C++ toolchain) and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --pack-destination "$work" --silent 2>/dev/null | tail -1)
echo "package-check: packed $tarball ($(du -h "$work/$tarball" | cut -f1))"
cd "$work"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
# leanconv's install script builds its addon. npm 11 runs a dependency's install scripts only when the project
# allows them (package.json allowScripts, what `npm install-scripts approve leanconv` writes); older npm runs them.
npm pkg set allowScripts.leanconv=true --json >/dev/null
install_log=$(ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund "./$tarball" 2>&1 | grep -v 'Unknown user config')
echo "$install_log" | tail -3
# The dependencies must run on the lowest Node the package declares (package.json engines), which CI runs.
if echo "$install_log" | grep -q EBADENGINE; then
  echo "package-check: a dependency does not support Node $(node --version), which package.json's engines field accepts:"
  echo "$install_log" | grep -A4 EBADENGINE
  exit 1
fi
for addon in leanconv_native leanconv_image; do
  test -f "node_modules/leanconv/build/Release/$addon.node" || { echo "package-check: $addon.node was not built on install"; exit 1; }
done

cat > use.ts <<'TS'
import { createModel, F, listModels, randn, tidy } from 'leanconv';
import { importTorchWeights } from 'leanconv/interop';

const model = createModel('resnet20', { numClasses: 10 }).eval();
const shape: readonly number[] = tidy(() => F.softmax(model.forward(randn([2, 3, 32, 32])), 1).shape);
if (shape.join(',') !== '2,10') throw new Error(`unexpected output shape ${shape.join(',')}`);
if (!listModels().includes('hcgnet_a1')) throw new Error('hcgnet_a1 is not registered');
if (typeof importTorchWeights !== 'function') throw new Error('leanconv/interop is missing');
console.log(`package-check: library OK (resnet20 output [${shape.join(', ')}], ${listModels().length} models)`);
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "outDir": "out", "skipLibCheck": false, "types": ["node"] }, "files": ["use.ts"] }
JSON
mkdir -p node_modules/@types && cp -r "$root/node_modules/@types/node" node_modules/@types/
node "$root/node_modules/typescript/bin/tsc" -p .
node out/use.js
npx --no-install leanconv --version
npx --no-install leanconv info resnet20 --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);if(r.params!==272474)throw new Error('params '+r.params);console.log('package-check: npx leanconv OK (resnet20: '+r.params+' params)')})"
test -f node_modules/leanconv/dist/web/app.js && test -f node_modules/onnxruntime-web/dist/ort.all.min.mjs || { echo "package-check: the serve page or onnxruntime-web is missing"; exit 1; }
echo "package-check: serve page shipped"
