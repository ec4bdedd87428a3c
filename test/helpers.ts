// Shared assertions for the test suite.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import sharp from 'sharp';

import { encodeIdx } from '../src/data/idx.js';
import { Rng } from '../src/data/rng.js';

import { loadSafetensors, memoryStats, type NestedArray, noGrad, Tensor } from '../src/engine/index.js';
import { BatchNorm2d, type Module } from '../src/nn/index.js';

function flatten(value: NestedArray): (number | boolean)[] {
  return Array.isArray(value) ? (value as NestedArray[]).flatMap(flatten) : [value as number | boolean];
}

/** Asserts that a tensor equals `expected` elementwise within `tol` (shape included). */
export function assertClose(actual: Tensor, expected: NestedArray, tol = 1e-6, message = ''): void {
  const got = actual.toArray();
  const a = flatten(got);
  const e = flatten(expected);
  assert.equal(a.length, e.length, `${message} element count: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${message} element ${i}: expected NaN, got ${x}`);
      continue;
    }
    assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)), `${message} element ${i}: got ${x}, expected ${y} (tol ${tol})\n got ${JSON.stringify(got)}`);
  }
  if (Array.isArray(expected)) {
    const shape: number[] = [];
    let level: NestedArray = expected;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = (level as NestedArray[])[0]!;
    }
    assert.deepEqual([...actual.shape], shape, `${message} shape`);
  }
}

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new directory under the system temp dir (`prefix` plus random characters), removed with everything in it
 * when the test process exits, whether its tests passed or failed.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Max |a - b| over all elements. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

/**
 * A tiny MNIST-format directory: n images of size s x s whose pixels encode their index (or, with
 * `randomPixels: seed`, random pixels, so that every crop and flip changes the image).
 */
export function writeMnistDir(dir: string, n: number, s: number, numClasses = 10, options: { randomPixels?: number } = {}): void {
  const rng = options.randomPixels === undefined ? undefined : new Rng(options.randomPixels);
  const images = new Uint8Array(n * s * s).map((_, i) => (rng ? rng.int(256) : Math.floor(i / (s * s)) % 256));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % numClasses);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(dir, `${split}-images-idx3-ubyte`), encodeIdx([n, s, s], images));
    writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), encodeIdx([n], labels));
  }
}


/** Non-trivial BN statistics and affine parameters, as after training. */
export function randomizeBatchNorms(model: Module): void {
  noGrad(() => {
    for (const m of model.modules()) {
      if (!(m instanceof BatchNorm2d)) continue;
      m.running_mean.normal_(0, 0.2);
      m.running_var.uniform_(0.5, 2);
      m.weight!.uniform_(0.3, 1.2);
      m.bias!.normal_(0, 0.2);
    }
  });
}

/**
 * A synthetic concept set in Broden's layout whose answers are known (8x8 images):
 * images 0-7 hold a red 4x4 square at the top left, segmented as object 'red-square' (label 1);
 * images 12-15 are all green and carry the whole-image texture label 'green' (2); the rest are black.
 */
export async function writeConceptSet(dir: string): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  const png = (rgb: Buffer, file: string): Promise<unknown> => sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(dir, 'images', file));
  const rows = ['image,split,ih,iw,sh,sw,object,texture'];
  for (let i = 0; i < 16; i++) {
    const img = Buffer.alloc(8 * 8 * 3);
    const seg = Buffer.alloc(8 * 8 * 3);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const p = (y * 8 + x) * 3;
        if (i < 8 && y < 4 && x < 4) {
          img[p] = 255;
          seg[p] = 1; // label 1 = R + 256·G
        }
        if (i >= 12) img[p + 1] = 255;
      }
    }
    await png(img, `im${i}.png`);
    let object = '';
    if (i < 8) {
      await png(seg, `im${i}_object.png`);
      object = `im${i}_object.png`;
    }
    rows.push(`im${i}.png,train,8,8,8,8,${object},${i >= 12 ? '2' : ''}`);
  }
  writeFileSync(join(dir, 'index.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'category.csv'), 'name,first,last,count,frequency\nobject,1,1,1,8\ntexture,2,2,1,4\n');
  writeFileSync(join(dir, 'label.csv'), 'number,name,category,frequency,coverage,syns\n1,red-square,object(8),8,0.25,\n2,"green, plain",texture(4),4,1.0,\n');
}


/**
 * Tensors created and never disposed, whether still alive or already collected. Leak checks compare
 * this count rather than liveTensors, which drops whenever the collector frees another test's garbage.
 */
export function undisposedTensors(): number {
  const stats = memoryStats();
  return stats.liveTensors + stats.collectedTensors;
}

/** Polls `condition` every `pollMs` until it holds; fails naming `what` after `seconds`. */
export async function waitFor(condition: () => boolean, seconds: number, what: string, pollMs = 50): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** ||a − b|| / ||a|| over the model tensors of two checkpoint files (optimizer state and counters left out). */
export function checkpointDistance(a: string, b: string): number {
  const [x, y] = [loadSafetensors(a).tensors, loadSafetensors(b).tensors];
  let [diff, norm] = [0, 0];
  noGrad(() => {
    for (const [k, t] of Object.entries(x)) {
      if (k.startsWith('optim') || t.dtype !== 'float32') continue;
      diff += t.sub(y[k]!).pow(2).sum().item();
      norm += t.pow(2).sum().item();
    }
  });
  for (const t of [...Object.values(x), ...Object.values(y)]) t.dispose();
  return Math.sqrt(diff / norm);
}
