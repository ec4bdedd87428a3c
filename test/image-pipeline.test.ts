// The native image pipeline on real photographs (crops of Debian's plasma-workspace-wallpapers, made by the kept
// bench/make_photos.py): agreement with torchvision + Pillow on the same windows, with the float pipeline, and
// across worker counts; bad images under both policies; tar shards in the WebDataset layout; ImageNet's flat val/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import '../src/papers/index.js';
import {
  DataLoader, DatasetError, loadImageFolder, loadTarShards, type Dataset, type FileDataset, type TransformSpec,
} from '../src/data/index.js';
import { readSampleBytes, shardShuffledOrder } from '../src/data/datasets.js';
import { decodeJpegInto, jpegInfo } from '../src/data/image-codec.js';
import { planImagePipeline } from '../src/data/image-plan.js';
import { hashInts, Rng } from '../src/data/rng.js';
import { tempDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const PYTHON = '/usr/bin/python3';
const TRAIN: TransformSpec[] = [{ name: 'randomResizedCrop', size: 224 }, { name: 'horizontalFlip' }];
const EVAL: TransformSpec[] = [{ name: 'resize', size: 256 }, { name: 'centerCrop', size: 224 }];
const SAMPLE = 3 * 224 * 224;

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
}

/** A folder of 12 real photos (500x375 and 375x500, 4 classes), plus one wallpaper at full size (shrink-on-load). */
function photoFolder(): string {
  const dir = join(tempDir('lc-photos-'), 'photos');
  run(PYTHON, [join(ROOT, 'bench', 'make_photos.py'), dir, '--per-class', '3', '--sources', '3']);
  const wallpapers = '/usr/share/wallpapers';
  const large = readdirSync(wallpapers).sort().map((w) => join(wallpapers, w, 'contents', 'images'))
    .flatMap((d) => { try { return readdirSync(d).filter((f) => f.endsWith('.jpg')).map((f) => join(d, f)); } catch { return []; } })
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  copyFileSync(large, join(dir, 'class0', 'wallpaper.jpg'));
  return dir;
}

async function allBatches(loader: DataLoader, epoch = 0): Promise<{ data: Float32Array; labels: number[] }> {
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  for await (const b of loader.epoch(epoch)) {
    const bytes = b.images.bytes();
    chunks.push(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    const l = b.labels.bytes();
    labels.push(...Array.from(new BigInt64Array(l.buffer, l.byteOffset, l.length / 8), Number));
    b.images.dispose();
    b.labels.dispose();
  }
  const data = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) data.set(c, (at += c.length) - c.length);
  return { data, labels };
}

/** Mean |a - b| of one sample, in 8-bit levels. */
function meanAbs255(a: Float32Array, b: Float32Array, k: number): number {
  let sum = 0;
  for (let i = k * SAMPLE; i < (k + 1) * SAMPLE; i++) sum += Math.abs(a[i]! - b[i]!);
  return (sum / SAMPLE) * 255;
}

/** Mean |a - b| over the outermost row and column on each side of one sample, in 8-bit levels (where a filter reading outside the window shows). */
function borderMeanAbs255(a: Float32Array, b: Float32Array, k: number): number {
  let sum = 0;
  let n = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) {
        if (y !== 0 && y !== 223 && x !== 0 && x !== 223) continue;
        const i = k * SAMPLE + (c * 224 + y) * 224 + x;
        sum += Math.abs(a[i]! - b[i]!);
        n++;
      }
    }
  }
  return (sum / n) * 255;
}

/** torchvision's output for each sample of an unshuffled epoch 0 of `loader`, with the windows the loader drew. */
function torchvisionReference(dataset: FileDataset, specs: TransformSpec[], seed: number): Float32Array {
  const plan = planImagePipeline(specs)!;
  return torchvisionOutputs(dataset.files.map((file, k) => {
    const { width, height } = jpegInfo(readFileSync(file))!;
    const g = plan.geometry(height, width, new Rng(hashInts(seed, 0, k)))!;
    const crop = specs[0]!.name === 'randomResizedCrop';
    return { file, pipeline: crop ? 'crop' : 'eval', box: [g.box.top, g.box.left, g.box.height, g.box.width], flip: g.flip };
  }));
}

function torchvisionOutputs(requests: { file: string; pipeline: string; box: number[]; flip: boolean }[]): Float32Array {
  const out = join(tempDir('lc-tv-'), 'ref.f32');
  run(PYTHON, [join(ROOT, 'test', 'support', 'torchvision_reference.py'), out], JSON.stringify(requests));
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

describe('native image pipeline on real photos', () => {
  let dir: string;
  let dataset: FileDataset;
  before(() => {
    dir = photoFolder();
    dataset = loadImageFolder(dir);
  });

  for (const [name, specs] of [['RandomResizedCrop(224) + flip', TRAIN], ['Resize(256) + CenterCrop(224)', EVAL]] as const) {
    test(`${name}: within 0.6 of 255 (mean per pixel) of torchvision + Pillow on the same windows`, async () => {
      const loader = new DataLoader(dataset, { batchSize: 5, seed: 7, transforms: specs, workers: 0 });
      const ours = await allBatches(loader);
      const reference = torchvisionReference(dataset, specs, 7);
      assert.equal(ours.data.length, reference.length);
      const diffs = dataset.files.map((_, k) => meanAbs255(ours.data, reference, k));
      // Pillow rounds to 8 bits twice (after each pass) where the codec keeps floats; shrink-on-load decodes the
      // wallpaper through libjpeg's scaled IDCT instead of filtering the full-size pixels.
      assert.ok(Math.max(...diffs) < 0.6, `mean |ours - torchvision| per sample (of 255): ${diffs.map((d) => d.toFixed(3)).join(' ')}`);
      assert.ok(diffs.some((d) => d > 0.05), 'the comparison is not vacuous');

    });
  }

  test('a small window upscaled reads only inside the window (a crop, then resized), as torchvision', () => {
    const files = dataset.files.slice(0, 4);
    const ours = new Float32Array(files.length * SAMPLE);
    const windows = files.map((file, k) => {
      const box = [60 + 10 * k, 90 + 7 * k, 37 + k, 45 - k];
      decodeJpegInto(readFileSync(file), {
        box: Float64Array.from(box), clampToBox: true, outHeight: 224, outWidth: 224, flip: false, mean: null, std: null, out: ours, offset: k * SAMPLE,
      });
      return { file, pipeline: 'crop', box, flip: false };
    });
    const reference = torchvisionOutputs(windows);
    const borders = files.map((_, k) => borderMeanAbs255(ours, reference, k));
    assert.ok(Math.max(...borders) < 1, `mean |ours - torchvision| on the border (of 255): ${borders.map((d) => d.toFixed(3)).join(' ')}`);
  });

  test('a truncated JPEG is refused even when the window lies in the part that is there', () => {
    const photo = readFileSync(join(dir, 'class0', '00000.jpg'));
    const out = new Float32Array(SAMPLE);
    const target = { box: Float64Array.of(0, 0, 60, 80), clampToBox: true, outHeight: 224, outWidth: 224, flip: false, mean: null, std: null, out, offset: 0 };
    decodeJpegInto(photo, target);
    assert.throws(() => decodeJpegInto(photo.subarray(0, Math.floor(photo.length * 0.7)), target), /truncated/);
  });

  test('the codec and the float pipeline draw the same windows and flips, and agree within resampling differences', async () => {
    const specs: TransformSpec[] = [...TRAIN, { name: 'normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }];
    const native = await allBatches(new DataLoader(dataset, { batchSize: 4, seed: 3, transforms: specs, workers: 0 }));
    const float = await allBatches(new DataLoader(dataset, { batchSize: 4, seed: 3, transforms: specs, workers: 0, nativeImages: false }));
    assert.deepEqual(native.labels, float.labels);
    // The float pipeline's 2-tap bilinear filter aliases where the window shrinks; a different window or a flip
    // would differ by tens of levels.
    const diffs = dataset.files.map((_, k) => meanAbs255(native.data, float.data, k) * 0.226);
    assert.ok(Math.max(...diffs) < 4, `mean |native - float| per sample (of 255): ${diffs.map((d) => d.toFixed(2)).join(' ')}`);
  });

  test('batches are identical with 0, 1 and 2 workers, epoch after epoch', async () => {
    const specs: TransformSpec[] = [...TRAIN, { name: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }];
    const runs = [];
    for (const workers of [0, 1, 2]) {
      const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true, seed: 11, transforms: specs, workers });
      try {
        runs.push([await allBatches(loader, 0), await allBatches(loader, 1)]);
      } finally {
        await loader.close();
      }
    }
    for (const r of runs.slice(1)) {
      assert.deepEqual(r[0]!.labels, runs[0]![0]!.labels);
      assert.deepEqual(r[0]!.data, runs[0]![0]!.data);
      assert.deepEqual(r[1]!.data, runs[0]![1]!.data);
    }
    assert.notDeepEqual(runs[0]![0]!.data, runs[0]![1]!.data);
  });

  describe('bad images', () => {
    let bad: string;
    const badFiles = ['zero-byte.jpg', 'truncated.jpg', 'garbage-header.jpg', 'not-an-image.png'];
    before(() => {
      bad = join(tempDir('lc-bad-'), 'photos');
      for (const c of ['class0', 'class1']) {
        mkdirSync(join(bad, c), { recursive: true });
        for (const f of readdirSync(join(dir, c)).filter((f) => f !== 'wallpaper.jpg')) copyFileSync(join(dir, c, f), join(bad, c, f));
      }
      const photo = readFileSync(join(dir, 'class0', '00000.jpg'));
      writeFileSync(join(bad, 'class0', 'zero-byte.jpg'), new Uint8Array(0));
      writeFileSync(join(bad, 'class0', 'truncated.jpg'), photo.subarray(0, Math.floor(photo.length * 0.4)));
      writeFileSync(join(bad, 'class1', 'garbage-header.jpg'), Buffer.concat([photo.subarray(0, 4), Buffer.alloc(2000, 0x5a)]));
      writeFileSync(join(bad, 'class1', 'not-an-image.png'), Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(300, 7)]));
    });

    for (const workers of [0, 2]) {
      test(`'fail' stops at the first bad image and names it (${workers} workers)`, async () => {
        const loader = new DataLoader(loadImageFolder(bad), { batchSize: 4, transforms: EVAL, workers });
        try {
          await assert.rejects(allBatches(loader), (err: Error) => err instanceof DatasetError && badFiles.some((f) => err.message.includes(f)));
        } finally {
          await loader.close();
        }
      });

      test(`'skip' leaves exactly the bad images out and reports each (${workers} workers)`, async () => {
        const reported: string[] = [];
        const ds = loadImageFolder(bad);
        const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 2, transforms: TRAIN, workers, onBadImage: 'skip', onSkippedImage: (p) => reported.push(p) });
        let labels: number[];
        try {
          ({ labels } = await allBatches(loader));
        } finally {
          await loader.close();
        }
        assert.equal(labels.length, ds.length - badFiles.length);
        assert.equal(reported.length, badFiles.length);
        for (const f of badFiles) assert.ok(reported.some((p) => p.includes(f)), `${f} reported: ${reported.join(' | ')}`);
        assert.ok(reported.find((p) => p.includes('truncated.jpg'))!.match(/truncated|premature|end/i), reported.join(' | '));
      });
    }
  });

  describe('tar shards (WebDataset layout)', () => {
    let shardDir: string;
    let members: { key: string; file: string; label: number }[];
    before(() => {
      // As WebDataset users make shards: a folder of <key>.jpg + <key>.cls per sample, archived with tar.
      shardDir = tempDir('lc-shards-');
      members = loadImageFolder(dir).files.map((file, i) => ({ key: `sample${String(i).padStart(4, '0')}`, file, label: loadImageFolder(dir).labels[i]! }));
      for (const [s, part] of [members.slice(0, 7), members.slice(7)].entries()) {
        const staging = join(shardDir, `staging${s}`);
        mkdirSync(staging);
        for (const m of part) {
          copyFileSync(m.file, join(staging, `${m.key}.jpg`));
          writeFileSync(join(staging, `${m.key}.cls`), `${m.label}\n`);
        }
        run('tar', ['--sort=name', '-C', staging, '-cf', join(shardDir, `train-00000${s}.tar`), '.']);
      }
      writeFileSync(join(shardDir, 'classes.txt'), 'class0\nclass1\nclass2\nclass3\n');
    });

    test('a directory, a brace pattern and a list file give the same samples, labels and bytes', () => {
      const list = join(shardDir, 'train.txt');
      writeFileSync(list, 'train-000000.tar\ntrain-000001.tar\n');
      const datasets = [loadTarShards(shardDir), loadTarShards(join(shardDir, 'train-{000000..000001}.tar')), loadTarShards(list)];
      for (const ds of datasets) {
        assert.equal(ds.length, members.length);
        assert.deepEqual(ds.classes, ['class0', 'class1', 'class2', 'class3']);
        assert.deepEqual(Array.from(ds.labels), members.map((m) => m.label));
        members.forEach((m, i) => assert.ok(Buffer.from(readSampleBytes(ds, i)).equals(readFileSync(m.file)), m.key));
      }
    });

    test("the loader gives a shard's samples what it gives the same files, and shuffles shard by shard, deterministically", async () => {
      const shards = loadTarShards(shardDir);
      const files: FileDataset = { kind: 'files', name: 'files', classes: shards.classes, shape: [3, 0, 0], files: members.map((m) => m.file), labels: shards.labels, length: members.length };
      const a = await allBatches(new DataLoader(shards, { batchSize: 4, seed: 5, transforms: TRAIN, workers: 0 }));
      const b = await allBatches(new DataLoader(files, { batchSize: 4, seed: 5, transforms: TRAIN, workers: 0 }));
      assert.deepEqual(a.data, b.data);
      const loader = new DataLoader(shards, { batchSize: 4, shuffle: true, seed: 5, transforms: TRAIN, workers: 0 });
      const order = Array.from(loader.order(0));
      assert.deepEqual(order, Array.from(shardShuffledOrder(shards, 5, 0)));
      assert.deepEqual([...order].sort((x, y) => x - y), members.map((_, i) => i));
      assert.notDeepEqual(order, Array.from(loader.order(1)));
      // Each shard's samples come together.
      const shardOf = order.map((i) => shards.shardOf[i]);
      assert.equal(shardOf.filter((s, i) => i > 0 && s !== shardOf[i - 1]).length, 1, `shard order ${shardOf.join('')}`);
      // Eight shards of three samples: each epoch visits the shards in its own order, each shard's samples together.
      const many = { ...shards, shardOf: Int32Array.from({ length: 24 }, (_, i) => Math.floor(i / 3)), length: 24 };
      const visits = [0, 1, 2, 3].map((epoch) => {
        const o = Array.from(shardShuffledOrder(many, 5, epoch));
        assert.deepEqual([...o].sort((x, y) => x - y), [...Array(24).keys()]);
        const runs = o.map((i) => many.shardOf[i]!).filter((v, i, a) => i === 0 || v !== a[i - 1]);
        assert.equal(runs.length, 8, `epoch ${epoch}: each shard's samples together`);
        return runs.join(',');
      });
      assert.equal(new Set(visits).size, 4, `shard orders of epochs 0-3: ${visits.join(' | ')}`);
    });

    test('leanconv train -d shards: a run on train/ and val/ shards; a bad image stops it naming the shard and key, or is skipped', async () => {
      const root = tempDir('lc-shardrun-');
      const bytes = readFileSync(members[0]!.file);
      for (const [split, part] of [['train', members], ['val', members.slice(0, 6)]] as const) {
        const staging = join(root, `staging-${split}`);
        mkdirSync(staging);
        mkdirSync(join(root, split));
        for (const m of part) {
          copyFileSync(m.file, join(staging, `${m.key}.jpg`));
          writeFileSync(join(staging, `${m.key}.cls`), String(m.label));
        }
        if (split === 'train') {
          writeFileSync(join(staging, 'zz-broken.jpg'), bytes.subarray(0, 500));
          writeFileSync(join(staging, 'zz-broken.cls'), '1');
        }
        run('tar', ['--sort=name', '-C', staging, '-cf', join(root, split, `${split}-000000.tar`), '.']);
      }
      const indexOnly = spawnSync(process.execPath, [CLI, 'train', '-m', 'cifar_quick', '-d', 'shards', '--data-dir', root, '--input-size', '32', '--out-dir', join(root, 'runs')], { encoding: 'utf8' });
      assert.match(indexOnly.stderr, /the train split has 4 classes, the test split 2 \(shards name their classes by index: a classes\.txt beside train\/ and val\//);
      writeFileSync(join(root, 'classes.txt'), 'class0\nclass1\nclass2\nclass3\n');
      const common = [CLI, 'train', '-m', 'cifar_quick', '-d', 'shards', '--data-dir', root, '--input-size', '32', '-b', '4', '-e', '1', '--out-dir', join(root, 'runs'), '--workers', '1'];
      const failed = spawnSync(process.execPath, [...common, '--run-name', 'fail'], { encoding: 'utf8' });
      assert.notEqual(failed.status, 0);
      assert.match(failed.stderr, /train-000000\.tar:\.\/zz-broken: cannot decode JPEG|train-000000\.tar:\.\/zz-broken: .*truncated/, failed.stderr);
      const skipped = spawnSync(process.execPath, [...common, '--run-name', 'skip', '--on-bad-image', 'skip', '--json', '-q'], { encoding: 'utf8' });
      assert.equal(skipped.status, 0, skipped.stderr);
      assert.match(skipped.stderr, /skipped a bad image: .*train-000000\.tar:\.\/zz-broken/);
      const result = JSON.parse(skipped.stdout) as { final: { count: number } };
      assert.equal(result.final.count, 6);
    });

    test('a truncated shard, a sample without a label and a non-tar file are refused, naming the shard and sample', () => {
      const bad = tempDir('lc-badshard-');
      const whole = readFileSync(join(shardDir, 'train-000000.tar'));
      writeFileSync(join(bad, 'a.tar'), whole.subarray(0, 3000));
      assert.throws(() => loadTarShards(join(bad, 'a.tar')), (e: Error) => e instanceof DatasetError && /a\.tar: truncated/.test(e.message));
      writeFileSync(join(bad, 'b.tar'), Buffer.alloc(2048, 1));
      assert.throws(() => loadTarShards(join(bad, 'b.tar')), /b\.tar: not a tar archive/);
      const staging = join(bad, 'staging');
      mkdirSync(staging);
      copyFileSync(members[0]!.file, join(staging, 'lonely.jpg'));
      run('tar', ['-C', staging, '-cf', join(bad, 'c.tar'), 'lonely.jpg']);
      assert.throws(() => loadTarShards(join(bad, 'c.tar')), /c\.tar: sample 'lonely' has no \.cls member/);
    });
  });

  test("ImageNet's flat val/: refused with how to reorganise it, or read with LOC_val_solution.csv", () => {
    const root = tempDir('lc-flatval-');
    for (const c of ['n01440764', 'n01443537']) {
      mkdirSync(join(root, 'train', c), { recursive: true });
      copyFileSync(join(dir, 'class0', '00000.jpg'), join(root, 'train', c, 'a.jpg'));
    }
    mkdirSync(join(root, 'val'));
    copyFileSync(join(dir, 'class1', '00001.jpg'), join(root, 'val', 'ILSVRC2012_val_00000001.JPEG'));
    copyFileSync(join(dir, 'class2', '00002.jpg'), join(root, 'val', 'ILSVRC2012_val_00000002.JPEG'));
    assert.throws(() => loadImageFolder(root, 'test'), (e: Error) => e instanceof DatasetError && /2 images directly in the folder.*sub-folder named after its class.*valprep\.sh/.test(e.message));
    writeFileSync(join(root, 'LOC_val_solution.csv'), 'ImageId,PredictionString\nILSVRC2012_val_00000001,n01443537 1 2 3 4\nILSVRC2012_val_00000002,n01440764 5 6 7 8 n01440764 1 1 2 2\n');
    const val = loadImageFolder(root, 'test');
    assert.deepEqual(val.classes, ['n01440764', 'n01443537']);
    assert.deepEqual(Array.from(val.labels), [1, 0]);
  });
});

export type { Dataset };
