import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import sharp from 'sharp';

import '../src/papers/index.js';
import { dissect, unitMask, upperQuantile } from '../src/analysis/index.js';
import { loadConceptDataset, parseCsv } from '../src/data/index.js';
import * as lc from '../src/engine/index.js';
import * as nn from '../src/nn/index.js';
import { detectorsByCategory, writeDissectReport } from '../src/report/dissect-report.js';
import { writeConceptSet , tempDir } from './helpers.js';

/** Multiplies by a fixed [1, C, H, W] mask. */
class Gate extends nn.Module {
  declare readonly mask: lc.Tensor;
  constructor(mask: lc.Tensor) {
    super();
    this.addBuffer('mask', mask);
  }

  forward(x: lc.Tensor): lc.Tensor {
    return x.mul(this.mask);
  }
}

/** Four hand-set units on an 8x8 RGB input (layer 'gate'): 0 = red, 1 = green, 2 = red in the two left columns only, 3 = nothing. */
function probe(): nn.Sequential {
  const conv = new nn.Conv2d(3, 4, 1, { bias: false });
  const w = new Float32Array(12);
  w[0 * 3 + 0] = 1;
  w[1 * 3 + 1] = 1;
  w[2 * 3 + 0] = 1;
  lc.noGrad(() => lc.tidy(() => {
    conv.weight.copy_(lc.tensor(w).reshape([4, 3, 1, 1]));
  }));
  const mask = new Float32Array(4 * 64).fill(1);
  for (let p = 0; p < 64; p++) if (p % 8 >= 2) mask[2 * 64 + p] = 0;
  return new nn.Sequential(['conv', conv], ['gate', new Gate(lc.tensor(mask).reshape([1, 4, 8, 8]))]);
}

describe('network dissection', () => {
  test('Broden layout: CSV quoting, masks and whole-image labels, primary categories, clear errors', async () => {
    assert.deepEqual(parseCsv('a,b\n1,"x, ""y"""\n'), [{ a: '1', b: 'x, "y"' }]);
    assert.throws(() => parseCsv('a,b\n1\n', 'f.csv'), /f.csv: row 2 has 1 fields, the header 2/);
    const dir = tempDir('lc-broden-');
    await writeConceptSet(dir);
    const data = loadConceptDataset(dir);
    assert.deepEqual(data.categories, ['object', 'texture']);
    assert.deepEqual(data.labels.map((l) => [l.name, l.category]), [['-', ''], ['red-square', 'object'], ['green, plain', 'texture']]);
    assert.equal(data.images.length, 16);
    assert.deepEqual(data.images[0]!.annotations.get('object'), { masks: ['im0_object.png'], scalars: [] });
    assert.deepEqual(data.images[13]!.annotations.get('texture'), { masks: [], scalars: [2] });
    assert.throws(() => loadConceptDataset(join(dir, 'nope')), /concept dataset directory does not exist/);
    assert.throws(() => loadConceptDataset(dir, { categories: ['scene'] }), /no category 'scene' \(it has: object, texture\)/);
  });

  test('quantile threshold, upsampled masks', () => {
    assert.ok(Math.abs(upperQuantile(Float32Array.from({ length: 1000 }, (_, i) => i), 0.005) - 994.005) < 1e-3);
    // A 2x2 map upsampled to 4x4 bilinearly (half-pixel centres): only the corner nearest the peak passes 0.5.
    assert.deepEqual([...unitMask(Float32Array.of(1, 0, 0, 0), 2, 2, 4, 4, 0.5)], [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('hand-set units find their concepts with the IoUs computed by hand; overlays are written', async () => {
    const dir = tempDir('lc-broden-');
    await writeConceptSet(dir);
    const data = loadConceptDataset(dir);
    const model = probe();
    const overlays = join(dir, 'overlays');
    mkdirSync(overlays);
    // quantile 0.5: each unit's threshold is its median, 0 here, so its mask is exactly where it is positive.
    const r = await dissect(model, data, { layer: 'gate', inputShape: [3, 8, 8], quantile: 0.5, topImages: 3, overlays: { dir: overlays } });
    const byUnit = new Map(r.results.map((u) => [u.unit, u]));
    assert.deepEqual([r.units, ...r.mapSize, r.images], [4, 8, 8, 16]);
    // Unit 0: mask = the 128 red pixels = the red-square label: IoU 1.
    assert.equal(byUnit.get(0)!.label, 'red-square');
    assert.ok(Math.abs(byUnit.get(0)!.iou - 1) < 1e-9);
    assert.deepEqual(byUnit.get(0)!.topImages, [0, 1, 2]);
    // Unit 1: the whole of images 12-15 = the texture label's 256 pixels: IoU 1.
    assert.deepEqual([byUnit.get(1)!.category, byUnit.get(1)!.label], ['texture', 'green, plain']);
    assert.ok(Math.abs(byUnit.get(1)!.iou - 1) < 1e-9);
    // Unit 2: 64 of the 128 red pixels: 64 / (64 + 128 - 64) = 0.5.
    assert.ok(Math.abs(byUnit.get(2)!.iou - 0.5) < 1e-9);
    assert.equal(byUnit.get(2)!.perCategory.texture!.iou, 0);
    // Unit 3 never fires.
    assert.equal(byUnit.get(3)!.iou, 0);
    assert.equal(byUnit.get(3)!.detector, false);
    assert.deepEqual(r.results.map((u) => u.unit).slice(2), [2, 3], 'sorted by IoU');
    assert.deepEqual(r.uniqueDetectors, { object: 1, texture: 1 }, 'units 0 and 2 detect the same concept: one unique object detector');
    assert.equal(r.detectors, 3);
    // One strip per detector: 3 tiles of 8x8 with 2-pixel gaps; unit 0's first tile is bright inside the square, dimmed outside.
    const strip = await sharp(join(overlays, 'unit_0000.png')).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([strip.info.width, strip.info.height], [28, 8]);
    assert.equal(strip.data[0], 255, 'inside the mask: full red');
    assert.ok(existsSync(join(overlays, 'unit_0002.png')) && !existsSync(join(overlays, 'unit_0003.png')));
    // The report: NetDissect-Lite's HTML (every unit by IoU with its strip) and the chart of detectors per category.
    assert.deepEqual(detectorsByCategory(r), [{ category: 'object', detectors: 2, unique: 1 }, { category: 'texture', detectors: 1, unique: 1 }]);
    const written = await writeDissectReport(overlays, r, 'probe');
    const html = readFileSync(written.html, 'utf8');
    assert.deepEqual([...html.matchAll(/<tr class="[^"]*"><td>(\d+)<\/td>/g)].map((m) => Number(m[1])), r.results.map((u) => u.unit), 'units in IoU order');
    assert.match(html, /<td>red-square<\/td><td>1\.0000<\/td><td><img src="unit_0000\.png"/);
    assert.match(html, /<td>3<\/td><td>-<\/td><td>[^<]*<\/td><td>0\.0000<\/td><td><\/td>/, 'no strip for a unit that detects nothing');
    const chart = await sharp(written.chart).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([chart.info.width, chart.info.channels >= 3], [640, true]);
    // The object bar (2 detectors, the longest) is drawn in the first colour #4e79a7 at its full length; the texture bar is half as long.
    const pixel = (x: number, y: number): number[] => [...chart.data.subarray((y * chart.info.width + x) * chart.info.channels, (y * chart.info.width + x) * chart.info.channels + 3)];
    assert.deepEqual(pixel(110 + 385, 40 + 14), [0x4e, 0x79, 0xa7]);
    assert.deepEqual(pixel(110 + 190, 76 + 14), [0xf2, 0x8e, 0x2b]);
    assert.deepEqual(pixel(110 + 240, 76 + 2), [255, 255, 255], 'the texture bar ends at half the object bar (above its label)');
    assert.deepEqual(pixel(110 + 190, 76 + 2), [0xf2, 0x8e, 0x2b]);
    // A layer without a spatial map is refused by name.
    await assert.rejects(dissect(new nn.Sequential(['conv', model.getSubmodule('conv')], ['flat', new nn.Flatten()]), data, { layer: 'flat', inputShape: [3, 8, 8] }), /layer 'flat' gives a 2-d output/);
    model.dispose();
    // A mask whose size disagrees with index.csv names the file.
    writeFileSync(join(dir, 'index.csv'), readFileSync(join(dir, 'index.csv'), 'utf8').replace('im0.png,train,8,8,8,8', 'im0.png,train,8,8,4,4'));
    const other = probe();
    await assert.rejects(dissect(other, loadConceptDataset(dir), { layer: 'gate', inputShape: [3, 8, 8], quantile: 0.5 }), /im0_object.png: mask is 8x8, index.csv says 4x4/);
    other.dispose();
  });
});
