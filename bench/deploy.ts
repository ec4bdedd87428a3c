// Deployment benchmark: images/s at batch 1 and 64 of each model's forms under libtorch (leanconv's
// engine, eager) and ONNX Runtime (onnxruntime-node CPU), all in one process with the same thread count:
// for ACNet the baseline, the ACB training form and the fused deploy form; for CondenseNet models the
// training form (masked dense 1x1 convs) and the converted form (gather + group conv + shuffle); for
// G-ResNeXt models the training form (masked dense 3x3 DGConvs) and the deploy form (group convs) with
// every layer's gates set to --dg-groups groups (interleaved, the permutation folded away). Rounds
// interleave every (model, form, runtime, batch) cell, and the tables show medians over rounds of the
// median batch time within a round. --torch adds, for models with one form (HCGNet), the official data flow
// in PyTorch eager (bench/infer_torch.py on Debian's python3-torch, NCHW and channels-last) as the peer:
// one process per model and round, run before the in-process cells in odd rounds and after them in even ones.
//   npm run bench:deploy -- [--rounds 5] [--reps 10] [--threads N] [--models cifar_quick,resnet20,resnet56,condensenet86] [--batches 1,64] [--dg-groups 4] [--channels-last] [--torch]
// Writes bench/results/<out>.md and <out>.json (--out, default deploy).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { profileModel } from '../src/analysis/index.js';
import { DGConv2d } from '../src/papers/dgconv/index.js';
import { buildModel, type ModelForm } from '../src/convert/index.js';
import { dgGatesOf } from '../src/papers/dgconv/index.js';
import { getModelSpec } from '../src/models/index.js';
import { exportOnnx, OnnxModel } from '../src/deploy/index.js';
import { buildInfo, defaultNumThreads, noGrad, randn, setNumThreads, tidy, type Tensor } from '../src/engine/index.js';
import { type Module, withoutEvalFusion } from '../src/nn/index.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' }, reps: { type: 'string', default: '10' }, threads: { type: 'string' },
    models: { type: 'string', default: 'cifar_quick,resnet20,resnet56,condensenet86' }, batches: { type: 'string', default: '1,64' },
    out: { type: 'string', default: 'deploy' }, 'dg-groups': { type: 'string', default: '4' }, 'channels-last': { type: 'boolean', default: false },
    torch: { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds);
const reps = Number(args.reps);
const threads = Number(args.threads ?? defaultNumThreads());
const models = args.models!.split(',');
const batches = args.batches!.split(',').map(Number);
const dgGroups = Number(args['dg-groups']);
setNumThreads(threads);

const ACNET_FORMS: Record<string, ModelForm> = { base: {}, acb: { acb: { gamma: 1 } }, deploy: { acb: { gamma: 1 }, deploy: true } };
const CONDENSE_FORMS: Record<string, ModelForm> = { training: {}, deploy: { deploy: true } };
const isCondenseNet = (name: string): boolean => getModelSpec(name).family === 'condensenet';
/** Models with no training/deploy pair (HCGNet): one form, libtorch vs ONNX Runtime. */
const isSingleForm = (name: string): boolean => getModelSpec(name).family === 'hcgnet';
const isDGConv = (name: string): boolean => getModelSpec(name).family === 'g_resnext';

/** The gates of every DGConv of the model set to `groups` groups: the first log2(C/groups) factors merge, so the groups interleave. */
function dgGatesFor(name: string, groups: number): Record<string, number[]> {
  const model = buildModel(name, {});
  for (const m of model.modules()) {
    if (m instanceof DGConv2d) m.setGates(Array.from({ length: m.K }, (_, k) => (k < m.K - Math.log2(groups) ? 1 : 0)));
  }
  const gates = dgGatesOf(model)!;
  model.dispose();
  return gates;
}

function formsOf(name: string): Record<string, ModelForm> {
  if (isCondenseNet(name)) return CONDENSE_FORMS;
  if (isSingleForm(name)) return { base: {} };
  if (isDGConv(name)) return { training: {}, deploy: { deploy: true, dgGates: dgGatesFor(name, dgGroups) } };
  return ACNET_FORMS;
}
type Runtime = 'libtorch' | 'onnxruntime';
interface Cell { model: string; form: string; runtime: Runtime; batch: number; times: number[] }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timeIt(fn: () => Promise<void> | void, n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

// Build every model form once; the ACB form's BNs get non-trivial statistics so that fusion is real work.
const engines: { cell: Omit<Cell, 'times'>; run: () => Promise<void> | void }[] = [];
const macs = new Map<string, number>();
const dgconvModels = models.filter(isDGConv);
const keepAlive: (Module | OnnxModel | Tensor)[] = [];
for (const name of models) {
  for (const [form, spec] of Object.entries(formsOf(name))) {
    const model = buildModel(name, {}, spec).eval();
    macs.set(`${name}/${form}`, profileModel(model, [3, 32, 32]).macs);
    const exported = exportOnnx(model, { inputShape: [3, 32, 32], allowTrainingForm: true });
    if (args['channels-last']) model.toMemoryFormat('channelsLast');
    const session = await OnnxModel.load(exported.bytes, { threads });
    keepAlive.push(model, session);
    for (const batch of batches) {
      const x = randn([batch, 3, 32, 32]);
      const pixels = x.data<'float32'>();
      const laid = model.formatInput(x);
      keepAlive.push(x, laid);
      // Training forms run as written: at inference leanconv would run them in their lean forms (an ACB as one conv, a
      // G-ResNeXt bottleneck as its deploy form), which would hide what the conversion saves.
      const asWritten = form === 'acb' || form === 'training';
      const forward = (): void => void model.forward(laid);
      engines.push({ cell: { model: name, form, runtime: 'libtorch', batch }, run: () => tidy(() => noGrad(() => (asWritten ? withoutEvalFusion(forward) : forward()))) });
      engines.push({ cell: { model: name, form, runtime: 'onnxruntime', batch }, run: async () => void (await session.run(pixels, batch)) });
    }
  }
}

// The PyTorch peer: per model, batch and layout ('nchw', 'cl'), one median batch time (ms) per round.
type TorchLayout = 'nchw' | 'cl';
const torchTimes = new Map<string, number[]>();
const torchKey = (model: string, batch: number, layout: TorchLayout): string => `${model}/${batch}/${layout}`;
const torchModels = args.torch ? models.filter(isSingleForm) : [];
const torchScript = new URL('../../bench/infer_torch.py', import.meta.url).pathname;
function runTorchPeer(): void {
  const env = { ...process.env, BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  for (const model of torchModels) {
    const out = JSON.parse(execFileSync('/usr/bin/python3', [torchScript, model, batches.join(','), String(reps)], { env, encoding: 'utf8' })) as Record<string, Record<TorchLayout, number>>;
    for (const batch of batches) {
      for (const layout of ['nchw', 'cl'] as const) {
        const key = torchKey(model, batch, layout);
        torchTimes.set(key, [...(torchTimes.get(key) ?? []), out[String(batch)]![layout]]);
      }
    }
  }
}

const cells: Cell[] = engines.map((e) => ({ ...e.cell, times: [] }));
for (let r = 0; r < rounds; r++) {
  const order = engines.map((_, i) => i);
  if (r % 2) order.reverse();
  if (r % 2) runTorchPeer();
  for (const i of order) {
    const e = engines[i]!;
    const n = e.cell.batch === 1 ? reps * 3 : reps;
    await timeIt(e.run, 3);
    cells[i]!.times.push(await timeIt(e.run, n));
  }
  if (r % 2 === 0) runTorchPeer();
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}

const ips = (c: Cell): number => (1000 * c.batch) / median(c.times);
const find = (model: string, form: string, runtime: Runtime, batch: number): Cell => cells.find((c) => c.model === model && c.form === form && c.runtime === runtime && c.batch === batch)!;
const info = buildInfo();
const lines = [
  '# Deployment benchmark: training forms vs deploy forms, libtorch vs ONNX Runtime',
  '',
  `Command: \`npm run bench:deploy -- --rounds ${rounds} --reps ${reps} --threads ${threads} --models ${models.join(',')} --batches ${batches.join(',')}` +
    `${dgconvModels.length ? ` --dg-groups ${dgGroups}` : ''}${args['channels-last'] ? ' --channels-last' : ''}${args.torch ? ' --torch' : ''} --out ${args.out}\``,
  `libtorch runs the models in ${args['channels-last'] ? 'channels-last (NHWC)' : 'the default NCHW'} layout; training forms (ACB, CondenseNet and DGConv training) as written (nn.withoutEvalFusion), the other forms with leanconv's inference fusions.`,
  `Date: ${new Date().toISOString()}; CPU: ${cpus()[0]?.model} x ${cpus().length}; libtorch ${info.torchVersion} (${info.blas}); onnxruntime-node CPU; ${threads} threads; input 3x32x32; images/s (median over ${rounds} interleaved rounds).`,
];
const rows: unknown[] = [];
const acnet = models.filter((m) => !isCondenseNet(m) && !isSingleForm(m) && !isDGConv(m));
if (acnet.length) {
  lines.push('The ONNX files of the baseline and deploy forms have their BNs folded into the convs; the ACB row under ONNX Runtime exports the three-branch training form as it is (leanconv export refuses it; this is only to show its cost).',
    '', '| model | batch | runtime | baseline | ACB training form | deploy form | deploy / baseline | deploy / ACB |', '|---|---|---|---|---|---|---|---|');
}
for (const model of acnet) {
  for (const batch of batches) {
    for (const runtime of ['libtorch', 'onnxruntime'] as Runtime[]) {
      const [b, a, d] = ['base', 'acb', 'deploy'].map((f) => ips(find(model, f, runtime, batch)));
      lines.push(`| ${model} | ${batch} | ${runtime} | ${b!.toFixed(0)} | ${a!.toFixed(0)} | ${d!.toFixed(0)} | ${(d! / b!).toFixed(3)} | ${(d! / a!).toFixed(2)} |`);
      rows.push({ model, batch, runtime, base: b, acb: a, deploy: d });
    }
    const ortDeploy = ips(find(model, 'deploy', 'onnxruntime', batch));
    const torchAcb = ips(find(model, 'acb', 'libtorch', batch));
    lines.push(`| ${model} | ${batch} | ORT deploy / libtorch ACB | | | | | **${(ortDeploy / torchAcb).toFixed(2)}x** |`);
  }
}
const condense = models.filter(isCondenseNet);
if (condense.length) {
  lines.push('', '## CondenseNet: training form (masked dense 1x1 convs) vs converted form (gather + group conv + shuffle)', '',
    'The training-form row under ONNX Runtime exports the masked model as it is (only to show its cost; leanconv export refuses it).', '',
    '| model | batch | runtime | training form | converted | converted / training |', '|---|---|---|---|---|---|');
  for (const model of condense) {
    for (const batch of batches) {
      for (const runtime of ['libtorch', 'onnxruntime'] as Runtime[]) {
        const [t, d] = ['training', 'deploy'].map((f) => ips(find(model, f, runtime, batch)));
        lines.push(`| ${model} | ${batch} | ${runtime} | ${t!.toFixed(1)} | ${d!.toFixed(1)} | ${(d! / t!).toFixed(2)} |`);
        rows.push({ model, batch, runtime, training: t, deploy: d });
      }
      const ortDeploy = ips(find(model, 'deploy', 'onnxruntime', batch));
      const torchTraining = ips(find(model, 'training', 'libtorch', batch));
      lines.push(`| ${model} | ${batch} | ORT converted / libtorch training form | | | **${(ortDeploy / torchTraining).toFixed(2)}x** |`);
    }
  }
}
if (dgconvModels.length) {
  lines.push('', `## DGConv: training form (masked dense 3x3) vs deploy form (group convs, ${dgGroups} groups per layer)`, '',
    'speedup = deploy / training images/s; MAC ratio = training MACs / deploy MACs; efficiency = speedup / MAC ratio (the issue asks for >= 0.7 at batch 64).', '',
    '| model | batch | runtime | training form | deploy form | speedup | MAC ratio | efficiency |', '|---|---|---|---|---|---|---|---|');
  for (const model of dgconvModels) {
    const macRatio = macs.get(`${model}/training`)! / macs.get(`${model}/deploy`)!;
    for (const batch of batches) {
      for (const runtime of ['libtorch', 'onnxruntime'] as Runtime[]) {
        const [t, d] = ['training', 'deploy'].map((f) => ips(find(model, f, runtime, batch)));
        lines.push(`| ${model} | ${batch} | ${runtime} | ${t!.toFixed(0)} | ${d!.toFixed(0)} | ${(d! / t!).toFixed(2)} | ${macRatio.toFixed(2)} | ${(d! / t! / macRatio).toFixed(2)} |`);
        rows.push({ model, batch, runtime, training: t, deploy: d, macRatio });
      }
    }
  }
}
const single = models.filter(isSingleForm);
if (single.length && !args.torch) {
  lines.push('', '## libtorch vs ONNX Runtime', '', '| model | batch | libtorch | ONNX Runtime | ORT / libtorch |', '|---|---|---|---|---|');
  for (const model of single) {
    for (const batch of batches) {
      const [t, o] = (['libtorch', 'onnxruntime'] as Runtime[]).map((rt) => ips(find(model, 'base', rt, batch)));
      lines.push(`| ${model} | ${batch} | ${t!.toFixed(1)} | ${o!.toFixed(1)} | ${(o! / t!).toFixed(2)} |`);
      rows.push({ model, batch, libtorch: t, onnxruntime: o });
    }
  }
} else if (single.length) {
  lines.push('', '## leanconv (libtorch, ONNX Runtime) vs the official data flow in PyTorch eager', '',
    'PyTorch: bench/infer_torch.py (the model of bench/train_torch.py) on Debian\'s python3-torch, the same libtorch, in its default layout and channels-last (CL), one process per round.',
    'Ratios: leanconv images/s over PyTorch\'s default-layout images/s (in brackets: over channels-last).', '',
    '| model | batch | leanconv libtorch | leanconv ONNX Runtime | PyTorch | PyTorch CL | libtorch / PyTorch | ONNX Runtime / PyTorch |', '|---|---|---|---|---|---|---|---|');
  for (const model of single) {
    for (const batch of batches) {
      const [t, o] = (['libtorch', 'onnxruntime'] as Runtime[]).map((rt) => ips(find(model, 'base', rt, batch)));
      const [p, pcl] = (['nchw', 'cl'] as const).map((layout) => (1000 * batch) / median(torchTimes.get(torchKey(model, batch, layout))!));
      lines.push(`| ${model} | ${batch} | ${t!.toFixed(1)} | ${o!.toFixed(1)} | ${p!.toFixed(1)} | ${pcl!.toFixed(1)} | ${(t! / p!).toFixed(2)} (${(t! / pcl!).toFixed(2)}) | **${(o! / p!).toFixed(2)}** (${(o! / pcl!).toFixed(2)}) |`);
      rows.push({ model, batch, libtorch: t, onnxruntime: o, torch: p, torchChannelsLast: pcl });
    }
  }
}
mkdirSync(new URL('../../bench/results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`../../bench/results/${args.out}.md`, import.meta.url), `${lines.join('\n')}\n`);
writeFileSync(new URL(`../../bench/results/${args.out}.json`, import.meta.url), `${JSON.stringify({ rounds, reps, threads, rows, cells }, null, 2)}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
for (const k of keepAlive) if (k instanceof OnnxModel) await k.release();
