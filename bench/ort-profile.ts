// Where ONNX Runtime spends a forward: exports a model (deploy form), runs it in onnxruntime-node with the
// session options leanconv uses (graph optimizations 'all', so the NCHWc layout transformer runs) and ONNX
// Runtime's own profiler on, then sums the kernel time of the timed runs per op type and per conv shape.
//   node dist/bench/ort-profile.js [hcgnet_a1] [--batch 64] [--runs 5] [--threads 2] [--top 12] [--level all|extended]
//   node dist/bench/ort-profile.js [hcgnet_a1] --levels [--batch 64] [--rounds 6]
// Prints the tables; ONNX Runtime's raw profile (JSON) is left in the system's temporary directory.
// --levels instead times the same model with graph optimizations 'all' and 'extended' (no NCHWc layout),
// without the profiler, in interleaved rounds of --runs forwards (batch 1: 6x as many), and prints the medians.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as ort from 'onnxruntime-node';

import '../src/papers/index.js';
import { buildModel } from '../src/convert/index.js';
import { exportOnnx } from '../src/deploy/index.js';
import { median } from './common.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '64' }, runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' },
    top: { type: 'string', default: '12' }, level: { type: 'string', default: 'all' },
    levels: { type: 'boolean', default: false }, rounds: { type: 'string', default: '6' },
  },
});
const name = positionals[0] ?? 'hcgnet_a1';
const batch = Number(args.batch);
const runs = Number(args.runs);
const level = args.level as 'all' | 'extended';

const model = buildModel(name, {}, { deploy: true }).eval();
const [c, h, w] = [3, 32, 32];
const { bytes } = exportOnnx(model, { inputShape: [c, h, w] });
model.dispose();
if (args.levels) {
  const levels = ['all', 'extended'] as const;
  const sessions = await Promise.all(levels.map((l) => ort.InferenceSession.create(bytes, { graphOptimizationLevel: l, intraOpNumThreads: Number(args.threads) })));
  const x = new ort.Tensor('float32', Float32Array.from({ length: batch * c * h * w }, (_, i) => Math.sin(i)), [batch, c, h, w]);
  const times: number[][] = levels.map(() => []);
  const n = batch === 1 ? runs * 6 : runs;
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const i of r % 2 ? [1, 0] : [0, 1]) {
      const s = sessions[i]!;
      await s.run({ [s.inputNames[0]!]: x });
      const t = performance.now();
      for (let k = 0; k < n; k++) await s.run({ [s.inputNames[0]!]: x });
      times[i]!.push((performance.now() - t) / n);
    }
  }
  const ips = times.map((t) => (1000 * batch) / median(t));
  console.log(`${name}, batch ${batch}, ${args.threads} threads, ${args.rounds} interleaved rounds: 'all' ${ips[0]!.toFixed(1)} img/s, 'extended' ${ips[1]!.toFixed(1)} img/s`);
  for (const s of sessions) await s.release();
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'leanconv-ort-profile-'));
const session = await ort.InferenceSession.create(bytes, {
  graphOptimizationLevel: level, intraOpNumThreads: Number(args.threads), enableProfiling: true, profileFilePrefix: join(dir, 'profile'),
});
const input = new ort.Tensor('float32', Float32Array.from({ length: batch * c * h * w }, (_, i) => Math.sin(i)), [batch, c, h, w]);
const feeds = { [session.inputNames[0]!]: input };
const warmup = 2;
for (let i = 0; i < warmup; i++) await session.run(feeds);
const start = performance.now();
for (let i = 0; i < runs; i++) await session.run(feeds);
const wallMs = (performance.now() - start) / runs;
session.endProfiling();
await session.release();

// The profile holds every run in order; kernel events are named '<node>_kernel_time'. Each node's first
// `warmup` events belong to the warm-up runs and are dropped.
interface ProfileEvent {
  cat: string; name: string; dur: number;
  args: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}
const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
const seen = new Map<string, number>();
const events = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[]).filter((e) => {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) return false;
  const n = (seen.get(e.name) ?? 0) + 1;
  seen.set(e.name, n);
  return n > warmup;
});
const perRun = (us: number): number => us / runs / 1000;
const total = events.reduce((s, e) => s + e.dur, 0);
const sumBy = (key: (e: ProfileEvent) => string | undefined): [string, number][] => {
  const sums = new Map<string, number>();
  for (const e of events) {
    const k = key(e);
    if (k !== undefined) sums.set(k, (sums.get(k) ?? 0) + e.dur);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
};
const shape = (e: ProfileEvent, i: number): string => Object.values(e.args.input_type_shape?.[i] ?? {})[0]?.join('x') ?? '?';
const row = ([k, us]: [string, number]): string => `| ${k} | ${perRun(us).toFixed(1)} ms | ${((100 * us) / total).toFixed(1)}% |`;

console.log(`${name}, batch ${batch}, onnxruntime-node ${ort.env.versions.common}, graph optimizations '${level}', ${args.threads} threads: ` +
  `${wallMs.toFixed(1)} ms per forward with the profiler on; kernel time ${perRun(total).toFixed(1)} ms per forward.\n`);
console.log('| op type | ms per forward | share |\n|---|---:|---:|');
for (const r of sumBy((e) => e.args.op_name)) console.log(row(r));
console.log(`\n| conv (input, weight) | ms per forward | share |\n|---|---:|---:|`);
for (const r of sumBy((e) => (/Conv/.test(e.args.op_name ?? '') ? `${e.args.op_name} ${shape(e, 0)}, w ${shape(e, 1)}` : undefined)).slice(0, Number(args.top))) console.log(row(r));
// Multiply-adds of the convs per forward (output elements x weight elements per output channel), in all and
// for the 1x1 convs and the grouped (not depthwise) 3x3s, to set time shares against work shares.
const dims = (e: ProfileEvent, which: 'input_type_shape' | 'output_type_shape', i: number): number[] => Object.values(e.args[which]?.[i] ?? {})[0] ?? [];
const convMacs = (filter: (weight: number[], input: number[]) => boolean): number => events
  .filter((e) => /Conv/.test(e.args.op_name ?? '') && filter(dims(e, 'input_type_shape', 1), dims(e, 'input_type_shape', 0)))
  .reduce((sum, e) => {
    const [n, co, ho, wo] = dims(e, 'output_type_shape', 0) as [number, number, number, number];
    const [, ci, kh, kw] = dims(e, 'input_type_shape', 1) as [number, number, number, number];
    return sum + n * co * ho * wo * ci * kh * kw;
  }, 0) / runs / 1e9;
const allMacs = convMacs(() => true);
const pointwise = convMacs((wt) => wt[2] === 1 && wt[3] === 1);
const grouped3x3 = convMacs((wt, x) => wt[2] === 3 && wt[1]! > 1 && wt[1]! < x[1]!);
console.log(`\nconv multiply-adds per forward: ${allMacs.toFixed(2)} G; 1x1 convs ${pointwise.toFixed(2)} G (${((100 * pointwise) / allMacs).toFixed(1)}%), ` +
  `grouped 3x3 convs ${grouped3x3.toFixed(2)} G (${((100 * grouped3x3) / allMacs).toFixed(1)}%)`);
console.log(`\nraw profile: ${join(dir, file)}`);
