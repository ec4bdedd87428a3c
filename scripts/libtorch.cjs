// Where the addon finds libtorch, for binding.gyp and build-native.cjs. One source tree builds against:
//   (default)            Debian's libtorch-dev (CPU; headers in /usr/include, libraries on the system path)
//   LIBTORCH=/path       an unpacked libtorch (include/, lib/), e.g. a CUDA build from pytorch.org
//   LIBTORCH=python      the libtorch inside the installed PyTorch wheel (python3 -c 'import torch')
// A CUDA libtorch is linked with --no-as-needed so that its CUDA kernels register at load time, and every
// external libtorch gets an rpath to its lib/ directory.
//
// Usage: node scripts/libtorch.cjs includes|libraries|defines|describe
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const DEBIAN_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];

function pythonTorchRoot() {
  const python = process.env.PYTHON || 'python3';
  const script = 'import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))';
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`LIBTORCH=python: '${python} -c "import torch"' failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  const [root, abi] = r.stdout.trim().split('\n');
  return { root, cxx11Abi: abi === '1' };
}

/** { kind, root?, includeDirs, libDir?, versionHeader, cuda } */
function locate() {
  const setting = process.env.LIBTORCH;
  if (!setting) {
    const libDir = DEBIAN_LIB_DIRS.find((d) => fs.existsSync(path.join(d, 'libtorch_cpu.so')));
    return {
      kind: 'debian',
      includeDirs: ['/usr/include/torch/csrc/api/include'],
      libDir,
      versionHeader: '/usr/include/torch/csrc/api/include/torch/version.h',
      gloo: fs.existsSync('/usr/include/gloo/config.h') && fs.existsSync('/usr/include/torch/csrc/distributed/c10d/ProcessGroupGloo.hpp'),
      cuda: false,
    };
  }
  // The C++ ABI must be libtorch's: wheels say which; an unpacked libtorch is taken as the cxx11 ABI
  // unless LIBTORCH_CXX11_ABI=0 (pytorch.org's "Pre-cxx11 ABI" downloads).
  const found = setting === 'python' ? pythonTorchRoot() : { root: path.resolve(setting), cxx11Abi: process.env.LIBTORCH_CXX11_ABI !== '0' };
  const root = found.root;
  const include = path.join(root, 'include');
  const libDir = path.join(root, 'lib');
  if (!fs.existsSync(path.join(include, 'torch')) || !fs.existsSync(libDir)) {
    throw new Error(`LIBTORCH=${setting}: ${root} has no include/torch and lib/ (expected an unpacked libtorch or a torch package directory)`);
  }
  return {
    kind: setting === 'python' ? 'python' : 'external',
    root,
    includeDirs: [include, path.join(include, 'torch', 'csrc', 'api', 'include')],
    libDir,
    versionHeader: path.join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h'),
    gloo: fs.existsSync(path.join(include, 'gloo', 'config.h')) && fs.existsSync(path.join(include, 'torch', 'csrc', 'distributed', 'c10d', 'ProcessGroupGloo.hpp')),
    cuda: fs.existsSync(path.join(libDir, 'libtorch_cuda.so')),
    cxx11Abi: found.cxx11Abi,
  };
}

function libraries(where) {
  const flags = [];
  if (where.kind !== 'debian') flags.push(`-L${where.libDir}`, `-Wl,-rpath,${where.libDir}`);
  // --no-as-needed: nothing in the addon names a CUDA symbol, so without it the linker would drop
  // libtorch_cuda and CUDA tensors would find no kernels.
  if (where.cuda) flags.push('-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed');
  flags.push('-ltorch', '-ltorch_cpu', '-lc10');
  return flags;
}

function defines(where) {
  const out = [];
  if (where.gloo) out.push('USE_C10D_GLOO', 'LEANCONV_WITH_GLOO');
  if (where.cuda) out.push('LEANCONV_WITH_CUDA');
  if (where.cxx11Abi !== undefined) out.push(`_GLIBCXX_USE_CXX11_ABI=${where.cxx11Abi ? 1 : 0}`);
  return out;
}

if (require.main === module) {
  const what = process.argv[2];
  try {
    const where = locate();
    if (what === 'includes') console.log(where.includeDirs.join(' '));
    else if (what === 'libraries') console.log(libraries(where).join(' '));
    else if (what === 'defines') console.log(defines(where).join(' '));
    else if (what === 'describe') console.log(JSON.stringify(where));
    else throw new Error('usage: node scripts/libtorch.cjs includes|libraries|defines|describe');
  } catch (err) {
    console.error(`leanconv: ${err.message}`);
    process.exit(1);
  }
}

module.exports = { locate, libraries, defines };
