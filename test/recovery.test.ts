// Recovery points inside epochs: `--checkpoint-every N` (or Mm) writes recovery.safetensors every N batches (M minutes); a run killed
// with SIGKILL after one (the whole process group, as a job scheduler or the OOM killer ends a job) resumes at that
// exact batch and ends its epoch with the bytes an uninterrupted run has, with 0 and 2 loader workers and with 2
// data-parallel processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import '../src/papers/index.js';
import { loadSafetensors } from '../src/engine/index.js';
import { readCheckpointMeta } from '../src/convert/checkpoint.js';
import { tempDir, waitFor, writeMnistDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'cli', 'main.js');

interface Exit { code: number | null; signal: NodeJS.Signals | null; stderr: string }

function start(args: string[]): { pid: number; done: Promise<Exit> } {
  // Its own process group, so that the kill takes the launcher and its data-parallel workers together.
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, env: { ...process.env, LEANCONV_THREADS: '1' } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  return { pid: child.pid!, done: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr }))) };
}

/** The names of the tensors whose bytes differ between two checkpoints (model and optimizer state). */
function differingTensors(a: string, b: string): string[] {
  const [x, y] = [loadSafetensors(a).tensors, loadSafetensors(b).tensors];
  assert.deepEqual(Object.keys(x).sort(), Object.keys(y).sort());
  const differ = Object.keys(x).filter((k) => !Buffer.from(x[k]!.bytes()).equals(Buffer.from(y[k]!.bytes())));
  for (const t of [...Object.values(x), ...Object.values(y)]) t.dispose();
  return differ;
}

describe('recovery points inside an epoch', () => {
  const root = tempDir('lc-recovery-');
  const data = join(root, 'data');
  const runs = join(root, 'runs');
  before(() => {
    mkdirSync(data);
    // 1536 images: 48 batches of 32, a recovery point every 6.
    writeMnistDir(data, 1536, 28, 10, { randomPixels: 5 });
  });
  // A small Wide ResNet with dropout: the resumed run must restore every rank's random stream too.
  const common = ['train', '-m', 'wrn', '--model-args', 'depth=10,widen=1,dropout=0.3', '-d', 'mnist', '--data-dir', data, '--lr', '0.01', '-b', '32', '--out-dir', runs, '-e', '1', '--eval-batch-size', '512'];

  for (const [name, extra] of [
    ['0 loader workers', ['--workers', '0', '--checkpoint-every', '6']], ['2 loader workers', ['--workers', '2', '--checkpoint-every', '6']],
    ['2 processes', ['--workers', '0', '--nproc', '2', '--checkpoint-every', '6']],
    // Every 0.01 minutes: the points fall on whichever batches the clock says (the ranks agree through an all-reduce).
    ['2 processes, every 0.6 s', ['--workers', '0', '--nproc', '2', '--checkpoint-every', '0.01m']],
  ] as const) {
    test(`killed with SIGKILL after a recovery point, resumed, it ends the epoch bit-identical to an uninterrupted run (${name})`, async () => {
      const tag = name.replace(/\W+/g, '-');
      const whole = await start([...common, ...extra, '--run-name', `whole-${tag}`]).done;
      assert.equal(whole.code, 0, whole.stderr);

      const dir = join(runs, `killed-${tag}`);
      const job = start([...common, ...extra, '--run-name', `killed-${tag}`]);
      await waitFor(() => existsSync(join(dir, 'recovery.safetensors')), 120, 'the first recovery point', 10);
      process.kill(-job.pid, 'SIGKILL');
      const killed = await job.done;
      assert.equal(killed.signal, 'SIGKILL');
      assert.ok(!existsSync(join(dir, 'last.safetensors')), 'the kill came before the end of the epoch');
      const point = (readCheckpointMeta(join(dir, 'recovery.safetensors')).extra as { recovery: { batch: number } }).recovery;
      const timed = (extra as readonly string[]).includes('0.01m');
      assert.ok((timed || point.batch % 6 === 0) && point.batch > 0 && point.batch < 48, `recovery point at batch ${point.batch}`);

      const resumed = await start(['train', '--resume', dir, ...extra.filter((a, i) => a === '--nproc' || extra[i - 1] === '--nproc')]).done;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, new RegExp(`resuming .* at batch ${point.batch + 1}/48 of epoch 1/1 \\(a recovery point\\)`));
      assert.deepEqual(differingTensors(join(runs, `whole-${tag}`, 'last.safetensors'), join(dir, 'last.safetensors')), []);
      const [a, b] = [`whole-${tag}`, `killed-${tag}`].map((r) => JSON.parse(readFileSync(join(runs, r, 'log.jsonl'), 'utf8').trim()) as { train: { loss: number; top1: number } });
      assert.deepEqual(b!.train, a!.train, 'the epoch figures count the batches before the kill too');
      assert.ok(!existsSync(join(dir, 'recovery.safetensors')), 'the epoch checkpoint replaced the recovery point');
    });
  }

  test('--checkpoint-every is checked: batches or minutes', async () => {
    const bad = await start([...common, '--checkpoint-every', 'often', '--run-name', 'bad']).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--checkpoint-every takes a number of batches \(e\.g\. 500\) or of minutes \(e\.g\. 10m\), got 'often'/);
  });
});
