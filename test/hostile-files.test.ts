// Hostile and broken files (test/support/hostile-files.ts makes them): each command must end with exit != 0 and
// one clear line naming the file and the problem, quickly and without taking gigabytes first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { pngHeader, torchFileCases } from './support/hostile-files.js';
import { tempDir } from './helpers.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const RSS = join(import.meta.dirname, 'support', 'report-rss.js');

// Bounds with room for a loaded 2-core CI machine: starting node with libtorch takes about 0.5 s and 200 MB.
const MAX_SECONDS = 8;
const MAX_RSS_MB = 700;

/** Runs the CLI; returns the exit status, stderr without the RSS line, seconds and peak RSS in MB. */
function runCli(args: string[]): { status: number | null; stderr: string; seconds: number; rssMb: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS, CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  const seconds = (performance.now() - start) / 1000;
  const rss = /maxrss-kb=(\d+)\n$/.exec(r.stderr);
  return { status: r.status, stderr: r.stderr.replace(/maxrss-kb=\d+\n$/, ''), seconds, rssMb: rss ? Number(rss[1]) / 1024 : Infinity };
}

function assertRefused(file: string, args: string[], error: RegExp): void {
  const r = runCli(args);
  assert.notEqual(r.status, 0, `${file}: exit status ${r.status}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${file}: one line expected, got:\n${r.stderr}`);
  assert.ok(lines[0]!.includes(file), `${file}: the message names the file: ${lines[0]}`);
  assert.match(lines[0]!, error);
  assert.ok(r.seconds < MAX_SECONDS, `${file}: took ${r.seconds.toFixed(1)} s`);
  assert.ok(r.rssMb < MAX_RSS_MB, `${file}: peak RSS ${r.rssMb.toFixed(0)} MB`);
}

describe('hostile and broken files', () => {
  const dir = tempDir('lc-hostile-');

  for (const c of torchFileCases()) {
    test(`leanconv import: ${c.name}`, () => {
      const file = join(dir, c.file);
      writeFileSync(file, c.bytes);
      assertRefused(file, ['import', file, '-m', 'resnet20', '-o', join(dir, `${c.file}.safetensors`)], c.error);
    });
  }

  test('leanconv predict: a 1 KB PNG of 1x1,000,000 pixels and a 16000x16000 PNG header are refused before decoding', () => {
    for (const [name, w, h, error] of [['thin.png', 1_000_000, 1, /aspect ratio beyond 50:1/], ['huge.png', 16_000, 16_000, /256 megapixels\), more than the 50 megapixels/]] as const) {
      const file = join(dir, name);
      writeFileSync(file, pngHeader(w, h));
      assert.ok(pngHeader(w, h).length < 1024);
      assertRefused(file, ['predict', modelFor(dir), file], error);
    }
  });
});

let onnxFile: string | undefined;
/** A small exported model for predict (made once). */
function modelFor(dir: string): string {
  if (onnxFile) return onnxFile;
  onnxFile = join(dir, 'quick.onnx');
  const script = `
    import { createModel } from '${join(import.meta.dirname, '..', 'src', 'models', 'index.js')}';
    import { exportOnnx } from '${join(import.meta.dirname, '..', 'src', 'deploy', 'onnx.js')}';
    import { writeFileSync } from 'node:fs';
    const m = createModel('cifar_quick');
    writeFileSync('${onnxFile}', exportOnnx(m, { inputShape: [3, 32, 32], metadata: { input: [3, 32, 32], classes: [...'0123456789'], preprocessing: [{ name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }] } }).bytes);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return onnxFile;
}
