// Where a forward pass spends its time: every native op of one eval-mode forward is timed through the
// engine's op observer and summed per op (convs split by groups and kernel), median over repetitions.
// Two micro-benchmarks back the CondenseNet notes: --gather (channel gather on the 4-D tensor vs the
// [N, C, H·W] view) and --conv (conv forward + backward, NCHW vs channels-last).
//   node dist/bench/op-profile.js condensenet86 [--deploy] [--channels-last] [--batch 64] [--reps 3]
//   node dist/bench/op-profile.js --gather | --conv | --fold | --sgd | --train-calls resnet20,hcgnet_a1
//   node dist/bench/op-profile.js --train-profile resnet20,resnet20+acb [--batch 128] [--size 32|28] [--reps 3]
// --train-profile: self time per op (forward and backward ops, leanconv's kernels by name) of training steps.
// --fold: a conv with a folded BN (conv + bias) vs conv then eval-mode BN; --sgd: SGD's per-parameter
// ops from JS vs the one-call native step (SGD.step); --train-calls: how many native calls one training
// step makes from JS (forward, loss, backward, SGD; the backward's own ops run inside libtorch).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { buildModel } from '../src/convert/index.js';
import { arange, cat, F, keep, noGrad, ones, randint, randn, randperm, setNumThreads, type Tensor, tidy, zeros } from '../src/engine/index.js';
import { SGD } from '../src/engine/optim.js';
import { createModel } from '../src/models/index.js';
import { observeOps, profileOps } from '../src/engine/trace.js';
import { interleaved, median } from './common.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { deploy: { type: 'boolean' }, batch: { type: 'string', default: '64' }, reps: { type: 'string', default: '3' }, gather: { type: 'boolean' }, conv: { type: 'boolean' }, fold: { type: 'boolean' }, sgd: { type: 'boolean' }, 'channels-last': { type: 'boolean' }, 'train-calls': { type: 'string' }, 'train-profile': { type: 'string' }, size: { type: 'string', default: '32' } },
});
setNumThreads(2);
/** Median ms of each variant over `total` interleaved rounds, the first two untimed. */
const timed = (variants: Record<string, () => void>, total = 15): Record<string, number> => interleaved(variants, { reps: total - 2, warmup: 2 });

if (args.gather) {
  for (const [c, hw] of [[64, 32], [256, 16], [640, 8]] as const) {
    const x = randn([64, c, hw, hw]);
    const index = cat([arange(c / 2), randperm(c).narrow(0, 0, c / 2).sort().values]);
    const r = timed({
      '4-D indexSelect': () => tidy(() => void x.indexSelect(1, index)),
      '[N, C, H·W] view': () => tidy(() => void x.reshape([64, c, hw * hw]).indexSelect(1, index)),
    });
    console.log(`[64, ${c}, ${hw}, ${hw}] gather ms: ${Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  }
} else if (args.conv) {
  // [in, out, kernel, groups, size, dilation]: CondenseNet's shapes, then one of each conv kind at ResNet-20 sizes.
  const cases = [[32, 8, 3, 4, 32, 1], [104, 32, 1, 1, 32, 1], [16, 16, 3, 1, 32, 1], [64, 64, 3, 1, 8, 1], [64, 64, 1, 1, 16, 1],
    [64, 64, 3, 4, 16, 1], [64, 64, 3, 64, 16, 1], [32, 32, 3, 1, 16, 2]] as const;
  for (const [cin, cout, k, g, hw, dil] of cases) {
    const make = (layout: 'contiguous' | 'channelsLast', backward: boolean): (() => void) => {
      const x = randn([64, cin, hw, hw]).contiguous(layout).requiresGrad_(backward);
      const w = randn([cout, cin / g, k, k]).contiguous(layout).requiresGrad_(backward);
      const conv = () => F.conv2d(x, w, { padding: dil * (k >> 1), groups: g, dilation: dil });
      return backward ? () => tidy(() => conv().sum().backward()) : () => tidy(() => noGrad(() => void conv()));
    };
    const r = timed({ NCHW: make('contiguous', true), 'channels-last': make('channelsLast', true), fNCHW: make('contiguous', false), fCL: make('channelsLast', false) }, 9);
    console.log(`conv ${cin}->${cout} k${k} groups ${g} dilation ${dil} ${hw}x${hw} batch 64: forward + backward NCHW ${r.NCHW!.toFixed(2)} ms, ` +
      `channels-last ${r['channels-last']!.toFixed(2)} ms (${(r.NCHW! / r['channels-last']!).toFixed(2)}x); forward NCHW ${r.fNCHW!.toFixed(2)}, ` +
      `channels-last ${r.fCL!.toFixed(2)} (${(r.fNCHW! / r.fCL!).toFixed(2)}x)`);
  }
} else if (args.fold) {
  for (const layout of ['contiguous', 'channelsLast'] as const) {
    const x = randn([32, 16, 32, 32]).contiguous(layout);
    const w = randn([16, 16, 3, 3]).contiguous(layout);
    const [bias, mean, variance] = [randn([16]), zeros([16]), ones([16])];
    const r = timed({
      'conv + bias': () => tidy(() => noGrad(() => void F.conv2d(x, w, { padding: 1, bias }))),
      'conv then BN': () => tidy(() => noGrad(() => void F.batchNorm(F.conv2d(x, w, { padding: 1 }), mean, variance, { training: false }))),
    }, 40);
    console.log(`conv 16->16 3x3 32x32 batch 32, ${layout}: conv + bias ${r['conv + bias']!.toFixed(3)} ms, conv then BN ${r['conv then BN']!.toFixed(3)} ms ` +
      `(${(r['conv then BN']! / r['conv + bias']!).toFixed(2)}x)`);
  }
} else if (args['train-calls']) {
  for (const name of args['train-calls'].split(',')) {
    const model = createModel(name).toMemoryFormat('auto').train();
    const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: 0.9 });
    const x = model.formatInput(randn([8, 3, 32, 32]));
    const y = randint(0, 10, [8]);
    const step = (): void => tidy(() => {
      const loss = F.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
    step();  // the first step creates the optimizer's buffers
    let calls = 0;
    observeOps(() => void calls++, step);
    console.log(`${name}: ${calls} native calls per training step`);
  }
} else if (args['train-profile']) {
  // Self time per op of whole training steps (forward, loss, backward, SGD) under libtorch's profiler.
  const batch = Number(args.batch), size = Number(args.size), steps = Number(args.reps);
  for (const arg of args['train-profile'].split(',')) {
    const [name, form] = arg.split('+');
    const model = buildModel(name!, { inChannels: size === 28 ? 1 : 3 }, form === 'acb' ? { acb: { gamma: 1 } } : {}).toMemoryFormat('auto').train();
    const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    const x = model.formatInput(randn([batch, size === 28 ? 1 : 3, size, size]));
    const y = randint(0, 10, [batch]);
    const step = (): void => tidy(() => {
      const loss = F.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
    for (let i = 0; i < 2; i++) step();
    const start = performance.now();
    const trace = join(tmpdir(), `leanconv-train-profile-${process.pid}-${arg}.json`);
    const ops = profileOps(() => { for (let i = 0; i < steps; i++) step(); }, trace);
    rmSync(trace);
    const wall = (performance.now() - start) / steps;
    const total = ops.reduce((a, o) => a + o.selfMs, 0) / steps;
    console.log(`${arg}, batch ${batch}, ${size}x${size}, training step ${wall.toFixed(1)} ms wall (profiled), ${total.toFixed(1)} ms in ops; self ms per step:`);
    for (const o of ops.filter((o) => o.selfMs / steps >= 0.3)) {
      console.log(`  ${o.name.padEnd(48)} ${(o.selfMs / steps).toFixed(1).padStart(6)}  (${(100 * o.selfMs / steps / total).toFixed(1)}%, ${o.calls / steps} calls)`);
    }
  }
} else if (args.sgd) {
  for (const name of ['resnet20', 'resnet56']) {
    const params = createModel(name).parameters();
    for (const p of params) p.grad = randn(p.shape);
    const fused = new SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
    const buffers = new Map<Tensor, Tensor>();
    // SGD's update as separate engine ops per parameter (what SGD.step did before sgdStep).
    const perOp = (): void => noGrad(() => {
      for (const p of params) {
        tidy(() => {
          const d = p.grad!.add(p, 5e-4);
          let buf = buffers.get(p);
          if (buf === undefined) buffers.set(p, (buf = keep(d.clone())));
          else buf.mul_(0.9).add_(d, 1);
          p.add_(buf, -0.1);
        });
      }
    });
    const r = timed({ perOp, fused: () => fused.step() }, 60);
    console.log(`${name} (${params.length} parameters), SGD step: per-op ${r.perOp!.toFixed(3)} ms, one native call ${r.fused!.toFixed(3)} ms`);
  }
} else {
  const name = positionals[0] ?? 'condensenet86';
  const batch = Number(args.batch);
  const model = buildModel(name, {}, args.deploy ? { deploy: true } : {}).eval();
  if (args['channels-last']) model.toMemoryFormat('channelsLast');
  const x = model.formatInput(randn([batch, 3, 32, 32]));
  const runs: Record<string, number>[] = [];
  for (let r = 0; r < Number(args.reps) + 1; r++) {
    const totals: Record<string, number> = {};
    let last = 0;
    observeOps((op, opArgs) => {
      const now = performance.now();
      // Padding tells the kinds apart in these models (1x1 convs unpadded, 3x3 padded) without a metadata call inside the observer.
      const convKey = (groups: unknown, padding: unknown) => `${op} groups ${groups} ${(padding as number[])[0] === 0 ? '1x1' : '3x3'}`;
      const key = op === 'conv2d' ? convKey(opArgs[6], opArgs[4]) : op === 'affineReluConv2d' ? convKey(opArgs[8], opArgs[6]) : op;
      totals[key] = (totals[key] ?? 0) + (now - last);
      last = now;
    }, () => {
      last = performance.now();
      tidy(() => noGrad(() => void model.forward(x)));
    });
    if (r > 0) runs.push(totals);
  }
  const ops = Object.keys(runs[0]!).map((op) => [op, median(runs.map((t) => t[op] ?? 0))] as const).filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]);
  console.log(`${name}${args.deploy ? ' (deploy form)' : ''}${args['channels-last'] ? ' channels-last' : ''}, batch ${batch}, ms per forward by op (median of ${args.reps}):`);
  for (const [op, ms] of ops) console.log(`  ${op.padEnd(24)} ${ms.toFixed(1)}`);
}
