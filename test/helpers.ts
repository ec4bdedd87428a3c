// Shared assertions for the test suite.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { encodeIdx } from '../src/data/idx.js';
import { Rng } from '../src/data/rng.js';

import { type NestedArray, noGrad, Tensor } from '../src/engine/index.js';
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
