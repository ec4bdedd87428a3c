// What leanconv's own kernels (engine nativeKernel) buy over libtorch's: the same model, batch and layout
// (leanconv's defaults: channels-last for conv models) in one process, training steps with each kernel on
// and off interleaved (the machines are shared and noisy), medians; then each kernel's shapes alone.
//   node dist/bench/kernels.js [--models resnet20,hcgnet_a1,...] [--kernels channelsLastBatchNorm,dilatedDepthwiseConv,groupedConv,pointwiseConv,attentionPool,winogradConv,winogradConvTraining,winogradLargeTiles]
//                              [--batch 64] [--reps 8] [--threads 2] [--out kernels]
// winogradLargeTiles compares the Winograd conv with itself: F(4x4, 3x3) tiles on, against F(2x2, 3x3) in the
// 'libtorch' column. ONEDNN_MAX_CPU_ISA=AVX2 measures what an AVX2 machine runs (it caps leanconv's kernels too).
// Writes bench/results/<out>.md and <out>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { F, manualSeed, nativeKernel, type NativeKernel, noGrad, ones, rand, randint, randn, setNumThreads, tidy, zeros } from '../src/engine/index.js';
import { SGD } from '../src/engine/optim.js';
import { createModel, getModelSpec } from '../src/models/index.js';
import { interleaved } from './common.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'cifar_quick,resnet20,hcgnet_a1,densenet_bc_100,condensenet86' },
    kernels: { type: 'string', default: 'channelsLastBatchNorm,dilatedDepthwiseConv,groupedConv,pointwiseConv,winogradConv,winogradConvTraining' },
    batch: { type: 'string', default: '64' }, reps: { type: 'string', default: '8' }, threads: { type: 'string', default: '2' }, out: { type: 'string', default: 'kernels' },
  },
});
setNumThreads(Number(args.threads));
const batch = Number(args.batch);
const reps = Number(args.reps);
const KERNELS = args.kernels!.split(',') as NativeKernel[];

/** Median ms with one kernel switched off (libtorch's) and on (leanconv's), the other kernels on. */
function compare(kernel: NativeKernel, off: () => void, on: () => void, reps: number): { libtorch: number; leanconv: number } {
  const previous = nativeKernel(kernel);  // a kernel's default can depend on the CPU
  try {
    return interleaved({ libtorch: off, leanconv: on }, { reps, warmup: 3, before: (v) => void nativeKernel(kernel, v === 'leanconv') });
  } finally {
    nativeKernel(kernel, previous);
  }
}

function trainStep(name: string): () => void {
  manualSeed(0);
  const spec = getModelSpec(name);
  const model = createModel(name).toMemoryFormat('auto').train();
  const x = model.formatInput(randn([batch, ...spec.inputSize]));
  const y = randint(0, spec.defaultNumClasses, [batch]);
  const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: 0.9 });
  return () => tidy(() => {
    const loss = F.crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
}

function inferStep(name: string): () => void {
  manualSeed(0);
  const spec = getModelSpec(name);
  const model = createModel(name).toMemoryFormat('auto').eval();
  const x = model.formatInput(randn([batch, ...spec.inputSize]));
  return () => tidy(() => noGrad(() => void model.forward(x)));
}

// Which steps each kernel can change: the dilated conv's is a gradient, the grouped and 1x1 convs and the
// attention pooling run only when no gradient is recorded, the batch norm and the Winograd conv's tiles in both.
const MODES: Record<NativeKernel, ('train' | 'infer')[]> = {
  channelsLastBatchNorm: ['train', 'infer'], dilatedDepthwiseConv: ['train'], groupedConv: ['infer'], pointwiseConv: ['infer'], attentionPool: ['infer'], winogradConv: ['infer'], winogradConvTraining: ['train'], winogradLargeTiles: ['infer', 'train'],
};
const models = args.models!.split(',').flatMap((name) => KERNELS.flatMap((kernel) => {
  // Two model instances so that each variant keeps its own state; both start from the same weights.
  const rows = MODES[kernel].map((mode) => {
    const build = mode === 'train' ? trainStep : inferStep;
    return { mode, ...compare(kernel, build(name), build(name), reps) };
  });
  process.stderr.write(`${name} ${kernel} done\n`);
  return rows.map((ms) => ({ model: name, kernel, mode: ms.mode, libtorchMs: ms.libtorch, leanconvMs: ms.leanconv }));
}));

// [N, C, H, W]: HCGNet-A1 / DenseNet widths at each stage, ResNet-20's, and wide layers.
const shapes = [[64, 12, 32, 32], [64, 48, 32, 32], [64, 120, 32, 32], [64, 24, 16, 16], [64, 189, 16, 16], [64, 36, 8, 8], [64, 300, 8, 8], [128, 16, 32, 32], [128, 64, 8, 8]];
const batchNorm = !KERNELS.includes('channelsLastBatchNorm') ? [] : shapes.map(([n, c, h, w]) => {
  const x = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const g = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const weight = rand([c!]).requiresGrad_(true);
  const bias = randn([c!]).requiresGrad_(true);
  const step = () => tidy(() => {
    const input = x.detach().requiresGrad_(true);
    F.batchNorm(input, zeros([c!]), ones([c!]), { weight, bias, training: true }).backward(g);
  });
  const ms = compare('channelsLastBatchNorm', step, step, 3 * reps);
  const runningMean = randn([c!]);
  const runningVar = rand([c!]).add(0.5);
  const infer = () => tidy(() => noGrad(() => void F.batchNorm(x, runningMean, runningVar, { weight, bias, relu: true })));
  const evalMs = compare('channelsLastBatchNorm', infer, infer, 3 * reps);
  return { shape: [n!, c!, h!, w!], libtorchMs: ms.libtorch, leanconvMs: ms.leanconv, evalLibtorchMs: evalMs.libtorch, evalLeanconvMs: evalMs.leanconv };
});

// HCGNet-A1's dilated depthwise convs (3x3, dilation 2, padding 2) at each stage, forward + backward.
const dilatedShapes = [[64, 12, 32, 32], [64, 24, 16, 16], [64, 36, 8, 8], [64, 60, 16, 16]];
const dilatedConv = !KERNELS.includes('dilatedDepthwiseConv') ? [] : dilatedShapes.map(([n, c, h, w]) => {
  const x = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const weight = randn([c!, 1, 3, 3]).requiresGrad_(true);
  const g = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const step = () => tidy(() => {
    const input = x.detach().requiresGrad_(true);
    F.conv2d(input, weight, { padding: 2, dilation: 2, groups: c! }).backward(g);
  });
  const ms = compare('dilatedDepthwiseConv', step, step, 3 * reps);
  return { shape: [n!, c!, h!, w!], libtorchMs: ms.libtorch, leanconvMs: ms.leanconv };
});

// 3x3 grouped convs at inference: HCGNet-A1's squeeze cells (4 groups, 3-9 outputs per group), ResNeXt-style
// 32-group convs (2-8 outputs per group) and CondenseNet-86's converted group convs (4 groups, 8 outputs).
const groupedShapes = [[64, 48, 32, 32, 12, 4], [64, 96, 16, 16, 24, 4], [64, 144, 8, 8, 36, 4], [64, 64, 32, 32, 64, 32],
  [64, 128, 16, 16, 128, 32], [64, 256, 8, 8, 256, 32], [64, 128, 32, 32, 32, 4], [64, 32, 32, 32, 32, 4]];
const groupedConv = !KERNELS.includes('groupedConv') ? [] : groupedShapes.map(([n, c, h, w, cout, groups]) => {
  const x = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const weight = randn([cout!, c! / groups!, 3, 3]);
  const bias = randn([cout!]);
  const infer = () => tidy(() => noGrad(() => void F.conv2d(x, weight, { bias, padding: 1, groups })));
  const ms = compare('groupedConv', infer, infer, 3 * reps);
  return { shape: [n!, c!, h!, w!], cout: cout!, groups: groups!, libtorchMs: ms.libtorch, leanconvMs: ms.leanconv };
});

// 1x1 convs at inference: HCGNet-A1's squeeze-cell inputs (4k outputs from the concatenated features) at each
// stage's first and last SMG, its first transition, and a wide DenseNet-style one; without and with the
// pre-activation (eval BN + ReLU) in front: two libtorch-side ops against one kernel.
const pointwiseShapes = [[64, 24, 32, 32, 48], [64, 108, 32, 32, 48], [64, 60, 16, 16, 96], [64, 228, 16, 16, 96],
  [64, 126, 8, 8, 144], [64, 378, 8, 8, 144], [64, 120, 32, 32, 90], [64, 512, 8, 8, 128]];
const pointwiseConv = !KERNELS.includes('pointwiseConv') ? [] : pointwiseShapes.map(([n, c, h, w, cout]) => {
  const x = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const weight = randn([cout!, c!, 1, 1]);
  const scale = rand([c!]).add(0.5);
  const shift = randn([c!]);
  const conv = () => tidy(() => noGrad(() => void F.conv2d(x, weight)));
  const preActivated = () => tidy(() => noGrad(() => void F.affineReluConv2d(x, scale, shift, weight)));
  const plain = compare('pointwiseConv', conv, conv, 3 * reps);
  const fused = compare('pointwiseConv', preActivated, preActivated, 3 * reps);
  return { shape: [n!, c!, h!, w!], cout: cout!, libtorchMs: plain.libtorch, leanconvMs: plain.leanconv, preActLibtorchMs: fused.libtorch, preActLeanconvMs: fused.leanconv };
});

// Dense 3x3 convs (stride 1, padding 1): CIFAR ResNets' three widths, the main job's (Fashion-MNIST, 28x28),
// a WRN-16-4-style wide one and ImageNet ResNet-18/34's first three stages at batch 16 (the kernel takes up to 256
// channels). Inference alone and with the residual-block epilogue relu(conv + residual)
// (libtorch: the conv, then add_ and relu_), and a training forward + backward (input and weight gradients).
const winogradShapes = [[128, 16, 32, 32, 16], [128, 32, 16, 16, 32], [128, 64, 8, 8, 64], [128, 16, 28, 28, 16],
  [128, 32, 14, 14, 32], [128, 64, 7, 7, 64], [128, 64, 32, 32, 64], [16, 64, 56, 56, 64], [16, 128, 28, 28, 128], [16, 256, 14, 14, 256]];
const winogradConv = !KERNELS.includes('winogradConv') && !KERNELS.includes('winogradConvTraining') ? [] : winogradShapes.map(([n, c, h, w, cout]) => {
  const x = randn([n!, c!, h!, w!]).contiguous('channelsLast');
  const weight = randn([cout!, c!, 3, 3]).mul(0.1).contiguous('channelsLast');
  const bias = randn([cout!]);
  const residual = randn([n!, cout!, h!, w!]).contiguous('channelsLast');
  const g = randn([n!, cout!, h!, w!]).contiguous('channelsLast');
  const infer = () => tidy(() => noGrad(() => void F.conv2d(x, weight, { bias, padding: 1 })));
  const epilogue = () => tidy(() => noGrad(() => void F.conv2d(x, weight, { bias, padding: 1, residual, relu: true })));
  // Each variant trains its own weight, which lives across steps and is updated in place after each, as in a
  // training loop (the kernel caches a weight's transform by tensor and version: a fresh tensor per step would
  // measure its cache misses, new buffers included).
  const trainer = () => {
    const trained = weight.clone().contiguous('channelsLast').requiresGrad_(true);
    return () => tidy(() => {
      const input = x.detach().requiresGrad_(true);
      trained.grad = undefined;
      F.conv2d(input, trained, { padding: 1 }).backward(g);
      noGrad(() => void trained.sub_(trained.grad!.mul(1e-6)));
    });
  };
  const inferMs = compare('winogradConv', infer, infer, 3 * reps);
  const epilogueMs = compare('winogradConv', epilogue, epilogue, 3 * reps);
  const trainMs = compare('winogradConvTraining', trainer(), trainer(), 3 * reps);
  const tilesMs = KERNELS.includes('winogradLargeTiles') ? compare('winogradLargeTiles', infer, infer, 3 * reps) : undefined;
  return {
    shape: [n!, c!, h!, w!], cout: cout!, libtorchMs: inferMs.libtorch, leanconvMs: inferMs.leanconv, epilogueLibtorchMs: epilogueMs.libtorch,
    epilogueLeanconvMs: epilogueMs.leanconv, trainLibtorchMs: trainMs.libtorch, trainLeanconvMs: trainMs.leanconv,
    smallTilesMs: tilesMs?.libtorch, largeTilesMs: tilesMs?.leanconv,
  };
});

const ms = (v: number): string => `${v.toFixed(2)} ms`;
const speedup = (libtorch: number, leanconv: number): string => `${(libtorch / leanconv).toFixed(2)}x`;
/** A per-shape table (nothing when the kernel was not asked for): title, header, one row per result. */
function section<R>(results: R[], title: string, header: string[], row: (r: R) => string[]): string[] {
  if (results.length === 0) return [];
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return ['', title, '', `| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...results.map((r) => `| ${row(r).join(' | ')} |`)];
}

// An ISA cap changes what both sides run, so it is part of the command.
const cap = process.env.ONEDNN_MAX_CPU_ISA ? `ONEDNN_MAX_CPU_ISA=${process.env.ONEDNN_MAX_CPU_ISA} ` : '';
const command = `${cap}node dist/bench/kernels.js --models ${args.models} --kernels ${args.kernels} --batch ${batch} --reps ${reps} --threads ${args.threads} --out ${args.out}`;
const lines = [
  "# leanconv's own kernels vs libtorch's (same process)",
  '',
  `Command: \`${command}\``,
  `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; threads ${args.threads}.`,
  "Kernels: channelsLastBatchNorm (BatchNorm on channels-last input: training mode, and eval mode without gradients), dilatedDepthwiseConv (a dilated depthwise conv's weight gradient), groupedConv (a 3x3 grouped conv with few outputs per group, without gradients), pointwiseConv (a 1x1 conv without gradients, with or without the pre-activation BN + ReLU in front), attentionPool (HCGNet's spatial-softmax pooling without gradients), winogradConv (a 3x3 stride-1 conv by Winograd's algorithm at inference, with the residual-block epilogue), winogradConvTraining (the same conv when gradients are recorded: forward, input and weight gradients; its training column switches only this), winogradLargeTiles (its F(4x4, 3x3) tiles, against F(2x2, 3x3) in the libtorch column). Models run with leanconv's defaults (channels-last for conv models).",
  `Cells: median of ${reps} training steps (forward, loss, backward, SGD) or eval-mode forwards without gradients (infer) at batch ${batch} after 3 warm-up rounds, with one kernel switched off (libtorch's) or on, the other kernels on, the two variants interleaved. Speedup = libtorch / leanconv.`,
  '',
  '| model | kernel | mode | step, libtorch | step, leanconv kernel | speedup |',
  '|---|---|---|---:|---:|---:|',
  ...models.map((r) => `| ${r.model} | ${r.kernel} | ${r.mode} | ${r.libtorchMs.toFixed(1)} ms | ${r.leanconvMs.toFixed(1)} ms | ${(r.libtorchMs / r.leanconvMs).toFixed(2)}x |`),
  ...section(batchNorm, `BatchNorm2d alone, channels-last, median of ${3 * reps}: training forward + backward, and eval-mode BN + ReLU without gradients:`,
    ['input [N, C, H, W]', 'training, libtorch', 'training, leanconv', 'speedup', 'eval + ReLU, libtorch', 'eval + ReLU, leanconv', 'speedup'],
    (r) => [`[${r.shape.join(', ')}]`, ms(r.libtorchMs), ms(r.leanconvMs), speedup(r.libtorchMs, r.leanconvMs), ms(r.evalLibtorchMs), ms(r.evalLeanconvMs), speedup(r.evalLibtorchMs, r.evalLeanconvMs)]),
  ...section(dilatedConv, `Depthwise 3x3 conv, dilation 2, padding 2, forward + backward (input and weight gradients), channels-last, median of ${3 * reps}:`,
    ['input [N, C, H, W]', 'libtorch', 'leanconv', 'speedup'],
    (r) => [`[${r.shape.join(', ')}]`, ms(r.libtorchMs), ms(r.leanconvMs), speedup(r.libtorchMs, r.leanconvMs)]),
  ...section(groupedConv, `3x3 grouped conv with bias, padding 1, forward without gradients, channels-last, median of ${3 * reps}:`,
    ['input [N, C, H, W]', 'outputs', 'groups', 'libtorch', 'leanconv', 'speedup'],
    (r) => [`[${r.shape.join(', ')}]`, String(r.cout), String(r.groups), ms(r.libtorchMs), ms(r.leanconvMs), speedup(r.libtorchMs, r.leanconvMs)]),
  ...section(pointwiseConv, `1x1 conv without bias, forward without gradients, channels-last, median of ${3 * reps}; then with the pre-activation relu(x·scale + shift) in front (F.affineReluConv2d: libtorch runs leanconv's BN + ReLU pass, then the conv):`,
    ['input [N, C, H, W]', 'outputs', 'conv, libtorch', 'conv, leanconv', 'speedup', 'BN-ReLU-conv, libtorch', 'BN-ReLU-conv, leanconv', 'speedup'],
    (r) => [`[${r.shape.join(', ')}]`, String(r.cout), ms(r.libtorchMs), ms(r.leanconvMs), speedup(r.libtorchMs, r.leanconvMs), ms(r.preActLibtorchMs), ms(r.preActLeanconvMs), speedup(r.preActLibtorchMs, r.preActLeanconvMs)]),
  ...section(winogradConv, `3x3 conv, stride 1, padding 1, channels-last, median of ${3 * reps}: forward with bias without gradients, the same with the epilogue relu(conv + residual), and a training forward + backward (input and weight gradients):`,
    ['input [N, C, H, W]', 'outputs', 'forward, libtorch', 'forward, leanconv', 'speedup', '+ epilogue, libtorch', '+ epilogue, leanconv', 'speedup', 'training, libtorch', 'training, leanconv', 'speedup',
      ...(KERNELS.includes('winogradLargeTiles') ? ['forward, F(2x2)', 'forward, F(4x4)', 'speedup'] : [])],
    (r) => [`[${r.shape.join(', ')}]`, String(r.cout), ms(r.libtorchMs), ms(r.leanconvMs), speedup(r.libtorchMs, r.leanconvMs), ms(r.epilogueLibtorchMs), ms(r.epilogueLeanconvMs),
      speedup(r.epilogueLibtorchMs, r.epilogueLeanconvMs), ms(r.trainLibtorchMs), ms(r.trainLeanconvMs), speedup(r.trainLibtorchMs, r.trainLeanconvMs),
      ...(r.smallTilesMs !== undefined && r.largeTilesMs !== undefined ? [ms(r.smallTilesMs), ms(r.largeTilesMs), speedup(r.smallTilesMs, r.largeTilesMs)] : [])]),
  '',
];
process.stdout.write(lines.join('\n'));
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/${args.out}.md`, lines.join('\n'));
writeFileSync(`bench/results/${args.out}.json`, JSON.stringify({ command, date: new Date().toISOString(), threads: Number(args.threads), batch, models, batchNorm, dilatedConv, groupedConv, pointwiseConv, winogradConv }, null, 2) + '\n');
