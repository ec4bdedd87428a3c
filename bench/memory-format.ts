// Which memory layout each model trains and infers faster in: NCHW vs channels-last, the same model and
// batch in one process, steps interleaved (the machines are shared and noisy), medians. This is the
// measurement behind preferredMemoryFormat ('auto'); per-conv-kind timings: node dist/bench/op-profile.js --conv.
//   node dist/bench/memory-format.js [--models resnet20,cifar_quick,...] [--batch 32] [--reps 8] [--out memory-format]
// Writes bench/results/<out>.md and <out>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { F, manualSeed, noGrad, randint, randn, setNumThreads, tidy } from '../src/engine/index.js';
import { SGD } from '../src/engine/optim.js';
import { createModel, getModelSpec } from '../src/models/index.js';
import { withoutEvalFusion } from '../src/nn/index.js';
import { interleaved } from './common.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'cifar_quick,resnet20,resnext20_cifar,g_resnext20_cifar,hcgnet_a1,densenet_bc_100,condensenet86' },
    batch: { type: 'string', default: '32' }, reps: { type: 'string', default: '8' }, threads: { type: 'string', default: '2' }, out: { type: 'string', default: 'memory-format' },
  },
});
setNumThreads(Number(args.threads));
const batch = Number(args.batch);
const reps = Number(args.reps);

function variant(name: string, layout: 'contiguous' | 'channelsLast'): { train: () => void; infer: () => void; unfolded: () => void } {
  manualSeed(0);
  const spec = getModelSpec(name);
  const model = createModel(name).toMemoryFormat(layout);
  const x = model.formatInput(randn([batch, ...spec.inputSize]));
  const y = randint(0, spec.defaultNumClasses, [batch]);
  const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: 0.9 });
  return {
    train: () => tidy(() => {
      model.train();
      const loss = F.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }),
    infer: () => tidy(() => noGrad(() => void model.eval().forward(x))),
    unfolded: () => tidy(() => noGrad(() => withoutEvalFusion(() => void model.eval().forward(x)))),
  };
}

const rows = args.models!.split(',').map((name) => {
  const variants = { nchw: variant(name, 'contiguous'), cl: variant(name, 'channelsLast') };
  // Training steps first, then inference: switching to training mode drops the folded kernels, which
  // serving never does, so interleaving the two would time a rebuild on every inference step.
  const ms: Record<string, number> = {};
  for (const modes of [['train'], ['infer', 'unfolded']] as const) {
    const runs = Object.fromEntries(Object.entries(variants).flatMap(([layout, v]) => modes.map((mode) => [`${layout} ${mode}`, v[mode]])));
    Object.assign(ms, interleaved(runs, { reps, warmup: 2 }));
  }
  const row = { model: name, trainNchw: ms['nchw train']!, trainCl: ms['cl train']!, inferNchw: ms['nchw unfolded']!, inferCl: ms['cl unfolded']!, inferClFolded: ms['cl infer']! };
  process.stderr.write(`${name} done\n`);
  return row;
});

const table = [
  '# Memory layout per model: NCHW vs channels-last (leanconv, same process)',
  '',
  `Command: \`node dist/bench/memory-format.js --models ${args.models} --batch ${batch} --reps ${reps} --threads ${args.threads} --out ${args.out}\``,
  `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; threads ${args.threads}; batch ${batch}.`,
  `Each cell: median of ${reps} steps after 2 warm-up rounds, all variants' steps interleaved. Speedup = NCHW time / channels-last time.`,
  'Inference columns without BN folding compare the layouts alone; the last two show what eval-mode folding (conv -> BN, ACB) adds on top of channels-last.',
  '',
  '| model | train NCHW | train channels-last | speedup | infer NCHW | infer channels-last | speedup | infer channels-last + folding | folding speedup |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.model} | ${r.trainNchw.toFixed(1)} ms | ${r.trainCl.toFixed(1)} ms | ${(r.trainNchw / r.trainCl).toFixed(2)}x | ` +
    `${r.inferNchw.toFixed(1)} ms | ${r.inferCl.toFixed(1)} ms | ${(r.inferNchw / r.inferCl).toFixed(2)}x | ${r.inferClFolded.toFixed(1)} ms | ${(r.inferCl / r.inferClFolded).toFixed(2)}x |`),
  '',
];
const root = new URL('../../', import.meta.url).pathname;
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${args.out}.md`, table.join('\n'));
writeFileSync(`${root}bench/results/${args.out}.json`, JSON.stringify({ batch, reps, rows }, null, 2));
console.log(table.join('\n'));
