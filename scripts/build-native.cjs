// Builds the native addon (run by `npm ci` / `npm install`, or `npm run build:native`).
// A missing libtorch is reported in one line that says what to install, not pages of compiler errors.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const header = '/usr/include/torch/csrc/api/include/torch/version.h';
const libs = ['libtorch.so', 'libtorch_cpu.so', 'libc10.so'];
const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];

const missing = [];
if (!fs.existsSync(header)) missing.push(header);
for (const lib of libs) {
  if (!libDirs.some((d) => fs.existsSync(`${d}/${lib}`))) missing.push(lib);
}
if (missing.length > 0) {
  console.error(
    `leanconv: libtorch not found (missing ${missing.join(', ')}). ` +
      'Install it with: sudo apt-get install -y libtorch-dev libopenblas0-openmp',
  );
  process.exit(1);
}

// Build against the headers of the running Node when they are installed (Debian's nodejs ships them),
// so that no header download is needed on an offline machine.
const args = ['rebuild', '-j', '2'];
const nodeDir = require('node:path').resolve(process.execPath, '..', '..');
if (fs.existsSync(`${nodeDir}/include/node/node_api.h`)) args.push(`--nodedir=${nodeDir}`);

const nodeGyp = process.env.npm_config_node_gyp;
const result = nodeGyp
  ? spawnSync(process.execPath, [nodeGyp, ...args], { stdio: 'inherit' })
  : spawnSync('node-gyp', args, { stdio: 'inherit', shell: true });
process.exit(result.status ?? 1);
