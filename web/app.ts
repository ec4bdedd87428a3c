// The page `leanconv serve` shows: runs the exported model in the browser with onnxruntime-web (WebGPU when the
// browser has it, else wasm) on a picked, dropped or drawn image, with the preprocessing and class names the
// exporter stored in the ONNX metadata. The image is decoded at its own size and prepared by the function
// `leanconv predict` runs (src/deploy/prepare.ts, bundled in): BT.601 luma for one-channel models, shorter side
// resized (bilinear) to the input size then centre-cropped, then the recorded normalisation. Page and predict give
// the same probabilities for the same pixels.
import type * as Ort from 'onnxruntime-web';

import { imageFromInterleaved, type TransformSpec } from '../src/data/transforms.js';
import { prepareImage } from '../src/deploy/prepare.js';

interface Meta {
  file: string;
  model?: string;
  form?: string;
  dataset?: string;
  input: [number, number, number];
  classes?: string[];
  preprocessing?: TransformSpec[];
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = (text: string, error = false): void => {
  const el = $('status');
  el.textContent = text;
  el.className = error ? 'error' : '';
};

/** The pixels of an image source at its own size. */
function pixelsOf(source: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0);
  return ctx.getImageData(0, 0, width, height);
}

/** The model's input (NCHW float32) and a view of it at the input size (normalisation undone for display). */
function toInput(pixels: ImageData, meta: Meta): { input: Float32Array; view: ImageData } {
  const image = imageFromInterleaved(pixels.data, pixels.width, pixels.height, 4);
  const input = prepareImage(image, meta.input, meta.preprocessing ?? []);
  const seen = prepareImage(image, meta.input, []);
  const [channels, height, width] = meta.input;
  const plane = height * width;
  const view = new ImageData(width, height);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) view.data[4 * i + c] = Math.round(255 * seen[(channels === 1 ? 0 : c) * plane + i]!);
    view.data[4 * i + 3] = 255;
  }
  return { input, view };
}

function showInput(pixels: ImageData): void {
  const view = $<HTMLCanvasElement>('input');
  const small = document.createElement('canvas');
  small.width = pixels.width;
  small.height = pixels.height;
  small.getContext('2d')!.putImageData(pixels, 0, 0);
  const ctx = view.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, view.width, view.height);
  ctx.drawImage(small, 0, 0, view.width, view.height);
}

function softmax(logits: Float32Array): Float32Array {
  const max = Math.max(...logits);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

function showTop5(probabilities: Float32Array, meta: Meta, ms: number, backend: string): void {
  const order = [...probabilities.keys()].sort((a, b) => probabilities[b]! - probabilities[a]!).slice(0, 5);
  const list = $('top5');
  list.replaceChildren(...order.map((k) => {
    const li = document.createElement('li');
    li.dataset.class = String(k);
    li.dataset.probability = String(probabilities[k]);
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = meta.classes?.[k] ?? `class ${k}`;
    const prob = document.createElement('span');
    prob.className = 'prob';
    prob.textContent = `${(100 * probabilities[k]!).toFixed(2)}%`;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(120 * probabilities[k]!)}px`;
    li.append(label, prob, bar);
    return li;
  }));
  $('time').textContent = `inference: ${ms.toFixed(1)} ms (${backend})`;
}

async function main(): Promise<void> {
  const meta = (await (await fetch('meta.json')).json()) as Meta;
  const ort = (await import(/* @vite-ignore */ `${location.origin}/ort/ort.all.min.mjs`)) as typeof Ort;
  ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const modelBytes = new Uint8Array(await (await fetch('model.onnx')).arrayBuffer());
  let session: Ort.InferenceSession;
  let backend = 'wasm';
  const webgpu = 'gpu' in navigator && (await (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter()) !== null;
  try {
    session = await ort.InferenceSession.create(modelBytes, { executionProviders: webgpu ? ['webgpu', 'wasm'] : ['wasm'] });
    if (webgpu) backend = 'webgpu';
  } catch {
    session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
  }
  const [channels, height, width] = meta.input;
  $('model').textContent = `${meta.model ?? meta.file}${meta.form && meta.form !== 'base' ? ` (${meta.form} form)` : ''}` +
    `${meta.dataset ? `, trained on ${meta.dataset}` : ''}: input ${channels}x${height}x${width}, ${meta.classes?.length ?? '?'} classes, ${backend}`;

  const classify = async (pixels: ImageData): Promise<void> => {
    const prepared = toInput(pixels, meta);
    showInput(prepared.view);
    const input = new ort.Tensor('float32', prepared.input, [1, channels, height, width]);
    const start = performance.now();
    const outputs = await session.run({ [session.inputNames[0]!]: input });
    const ms = performance.now() - start;
    const logits = outputs[session.outputNames[0]!]!.data as Float32Array;
    showTop5(softmax(logits), meta, ms, backend);
    document.body.dataset.ready = 'result';
  };

  const classifyFile = async (file: File): Promise<void> => {
    try {
      const bitmap = await createImageBitmap(file);
      await classify(pixelsOf(bitmap, bitmap.width, bitmap.height));
      status(file.name);
    } catch (err) {
      status(`${file.name}: ${(err as Error).message}`, true);
    }
  };
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void classifyFile(file);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void classifyFile(file);
  });

  // Drawing, for small grayscale models (MNIST-style data is light strokes on black).
  if (channels === 1 && height <= 64 && width <= 64) {
    $('drawing').hidden = false;
    const pad = $<HTMLCanvasElement>('draw');
    const ctx = pad.getContext('2d')!;
    const clear = (): void => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, pad.width, pad.height); };
    clear();
    let drawing = false;
    const at = (e: PointerEvent): [number, number] => { const r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    pad.addEventListener('pointerdown', (e) => { drawing = true; ctx.beginPath(); ctx.moveTo(...at(e)); });
    pad.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      ctx.lineTo(...at(e));
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 18;
      ctx.lineCap = 'round';
      ctx.stroke();
    });
    window.addEventListener('pointerup', () => { drawing = false; });
    $('clear').addEventListener('click', clear);
    $('classify-drawing').addEventListener('click', () => void classify(pixelsOf(pad, pad.width, pad.height)).then(() => status('your drawing')));
  }
  document.body.dataset.ready = 'model';
  status('ready: pick, drop or draw an image');
}

main().catch((err: Error) => status(`could not start: ${err.message}`, true));
