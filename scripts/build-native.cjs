// Builds the native addon (run by `npm ci` / `npm install`, or `npm run build:native`).
// A missing libtorch is reported in one line that says what to install, not pages of compiler errors.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { locate } = require('./libtorch.cjs');

let where;
try {
  where = locate();
} catch (err) {
  console.error(`leanconv: ${err.message}`);
  process.exit(1);
}
const missing = [];
if (!fs.existsSync(where.versionHeader)) missing.push(where.versionHeader);
for (const lib of ['libtorch.so', 'libtorch_cpu.so', 'libc10.so']) {
  if (where.libDir === undefined || !fs.existsSync(`${where.libDir}/${lib}`)) missing.push(lib);
}
if (missing.length > 0) {
  console.error(
    `leanconv: libtorch not found (missing ${missing.join(', ')}). ` +
      (where.kind === 'debian'
        ? 'Install it with: sudo apt-get install -y libtorch-dev libopenblas0-openmp libgloo-dev'
        : `LIBTORCH=${process.env.LIBTORCH} does not point at a complete libtorch`),
  );
  process.exit(1);
}
// The image codec (native/image) links libjpeg-turbo.
if (!['/usr/include/jpeglib.h', '/usr/local/include/jpeglib.h'].some((f) => fs.existsSync(f))) {
  console.error('leanconv: libjpeg-turbo headers not found (jpeglib.h). Install them with: sudo apt-get install -y libjpeg-dev');
  process.exit(1);
}
const version = /TORCH_VERSION\s*\\?\s*"([^"]+)"/.exec(fs.readFileSync(where.versionHeader, 'utf8'))?.[1] ?? 'unknown version';
console.error(`leanconv: building the addon against ${where.kind === 'debian' ? "Debian's libtorch" : where.root} ${version}` +
  `${where.cuda ? ' (CUDA)' : ' (CPU)'}${where.gloo ? ', Gloo' : ', no Gloo: distributed training unavailable'}`);

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
