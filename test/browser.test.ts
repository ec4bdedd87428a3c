// `leanconv serve` end to end: Debian's chromium, driven by playwright-core, loads the page for a model the
// test exports, an image is uploaded, and the top-5 shown must equal `leanconv predict` on the same file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';

import { tempDir } from './helpers.js';
import '../src/papers/index.js';
import { exportOnnx } from '../src/deploy/onnx.js';
import { modelFileOf, serveModel, ServeError, type RunningServer } from '../src/deploy/serve.js';
import * as lc from '../src/engine/index.js';
import { createModel } from '../src/models/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

describe('leanconv serve: the model in the browser', () => {
  const dir = tempDir('lc-serve-');
  const modelFile = join(dir, 'model.onnx');
  const image = join(dir, 'digit.png');
  let browser: Browser;
  let running: RunningServer;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (scripts/install-system-deps.sh does)`);
    lc.manualSeed(11);
    const model = createModel('cifar_quick', { inChannels: 1, inputSize: 28 });
    const exported = exportOnnx(model, {
      inputShape: [1, 28, 28],
      metadata: { model: 'cifar_quick', input: [1, 28, 28], classes: CLASSES, preprocessing: [{ name: 'normalize', mean: [0.3], std: [0.4] }] },
    });
    writeFileSync(modelFile, exported.bytes);
    model.dispose();
    // A 28x28 grayscale image (a bright diagonal bar on a dark gradient): the model's input size, so the
    // page and predict see the same pixels with no resampling.
    const pixels = Uint8Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - Math.floor(i / 28)) < 3 ? 230 : (i % 28) * 3));
    await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(image);
    running = await serveModel(modelFile, { port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  test('an uploaded image gets the same top-5 classes and probabilities as leanconv predict', async () => {
    const predicted = spawnSync(process.execPath, [CLI, 'predict', modelFile, image, '--json'], { encoding: 'utf8' });
    assert.equal(predicted.status, 0, predicted.stderr);
    const expected = (JSON.parse(predicted.stdout) as { predictions: { label: string; probability: number }[] }[])[0]!.predictions;

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(running.url);
    await page.waitForSelector('body[data-ready="model"]', { timeout: 60_000 });
    assert.match((await page.textContent('#model')) ?? '', /cifar_quick: input 1x28x28, 10 classes, (wasm|webgpu)/);
    await page.setInputFiles('#file', image);
    await page.waitForSelector('body[data-ready="result"]', { timeout: 60_000 });
    const shown = await page.$$eval('#top5 li', (items) => items.map((li) => ({
      label: li.querySelector('.label')!.textContent, probability: Number(li.getAttribute('data-probability')),
    })));
    assert.deepEqual(shown.map((s) => s.label), expected.map((e) => e.label), 'same classes in the same order');
    for (const [i, s] of shown.entries()) assert.ok(Math.abs(s.probability - expected[i]!.probability) < 1e-4, `${s.label}: ${s.probability} vs ${expected[i]!.probability}`);
    assert.match((await page.textContent('#time')) ?? '', /inference: [\d.]+ ms/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'serve.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a 280 px photo gets the same top-5 on the page as with leanconv predict (one shared resize)', async () => {
    const big = join(dir, 'big.png');
    const pixels = Uint8Array.from({ length: 280 * 280 * 3 }, (_, i) => {
      const p = Math.floor(i / 3);
      const [y, x] = [Math.floor(p / 280), p % 280];
      return (Math.abs(x - y) < 30 ? 220 : 0) + ((x * 7 + y * 3 + (i % 3) * 50) % 35);
    });
    await sharp(Buffer.from(pixels), { raw: { width: 280, height: 280, channels: 3 } }).png().toFile(big);
    const predicted = spawnSync(process.execPath, [CLI, 'predict', modelFile, big, '--json'], { encoding: 'utf8' });
    assert.equal(predicted.status, 0, predicted.stderr);
    const expected = (JSON.parse(predicted.stdout) as { predictions: { label: string; probability: number }[] }[])[0]!.predictions;
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.waitForSelector('body[data-ready="model"]', { timeout: 60_000 });
    await page.setInputFiles('#file', big);
    await page.waitForSelector('body[data-ready="result"]', { timeout: 60_000 });
    const shown = await page.$$eval('#top5 li', (items) => items.map((li) => ({ label: li.querySelector('.label')!.textContent, probability: Number(li.getAttribute('data-probability')) })));
    assert.deepEqual(shown.map((x) => x.label), expected.map((e) => e.label));
    for (const [i, x] of shown.entries()) assert.ok(Math.abs(x.probability - expected[i]!.probability) < 1e-4, `${x.label}: ${x.probability} vs ${expected[i]!.probability}`);
    assert.equal(await page.textContent('#status'), 'big.png');
    await page.close();
  });

  test('a drawing on the pad is classified too (small grayscale models)', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.waitForSelector('body[data-ready="model"]', { timeout: 60_000 });
    assert.equal(await page.isVisible('#draw'), true);
    const box = (await page.locator('#draw').boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 190, { steps: 10 });
    await page.mouse.up();
    await page.click('#classify-drawing');
    await page.waitForSelector('body[data-ready="result"]', { timeout: 60_000 });
    assert.equal(await page.locator('#top5 li').count(), 5);
    await page.waitForFunction("document.getElementById('status').textContent === 'your drawing'");
    // Errors show in the error colour (the #status rule used to override it).
    await page.setInputFiles('#file', { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
    await page.waitForFunction("document.getElementById('status').className === 'error'");
    assert.match((await page.textContent('#status')) ?? '', /^broken\.png: /);
    assert.equal(await page.evaluate("getComputedStyle(document.getElementById('status')).color"), 'rgb(185, 28, 28)');
    await page.close();
  });

  test('the server hands out only the page, the model, its metadata and ONNX Runtime files', async () => {
    const get = (path: string) => fetch(new URL(path, running.url));
    const meta = (await (await get('/meta.json')).json()) as { input: number[]; classes: string[] };
    assert.deepEqual([meta.input, meta.classes.length], [[1, 28, 28], 10]);
    const res = await get('/ort/ort.all.min.mjs');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
    for (const path of ['/ort/..%2Fpackage.json', '/../package.json', '/dist/src/index.js', '/ort/missing.wasm']) assert.equal((await get(path)).status, 404, path);
    // A malformed escape gets 400 and the server keeps serving; another site's name in Host (DNS rebinding) gets 403.
    assert.equal((await get('/%ff')).status, 400);
    assert.equal((await get('/meta.json')).status, 200, 'still serving after a malformed URL');
    const port = new URL(running.url).port;
    assert.equal(await statusWithHost(running.url, '/model.onnx', `attacker.example:${port}`), 403);
    assert.equal(await statusWithHost(running.url, '/model.onnx', `localhost:${port}`), 200);
    assert.equal(await statusWithHost(running.url, '/model.onnx', `127.0.0.1:${port}`), 200);
    assert.throws(() => modelFileOf(dir + '-missing'), ServeError);
    const empty = tempDir('lc-serve-empty-');
    assert.throws(() => modelFileOf(empty), /has no model\.onnx: export it first/);
  });
});

/** The status of a GET with the given Host header (fetch does not let a caller set Host). */
function statusWithHost(base: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
