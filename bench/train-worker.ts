// One leanconv measurement for bench/train: node dist/bench/train-worker.js MODEL[+acb|+nchw] BATCH WARMUP STEPS -> one JSON line
// (+acb: the ACNet training form; the model runs in leanconv's default layout, 'auto', or NCHW for +nchw).
import { readFileSync } from 'node:fs';

import '../src/papers/index.js';
import { measureThroughput } from '../src/analysis/index.js';
import { acnetize } from '../src/papers/acnet/index.js';
import { createModel, getModelSpec } from '../src/models/index.js';
import { manualSeed } from '../src/engine/index.js';

const [arg, batch, warmup, steps] = process.argv.slice(2);
const [name, form] = arg!.split('+');
manualSeed(0);
const spec = getModelSpec(name!);
const model = form === 'acb' ? acnetize(createModel(name!)) : createModel(name!);
model.toMemoryFormat(form === 'nchw' ? 'contiguous' : 'auto');
const r = measureThroughput(model, { batchSize: Number(batch), input: spec.inputSize, numClasses: spec.defaultNumClasses, mode: 'both', warmup: Number(warmup), steps: Number(steps) });
const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
console.log(JSON.stringify({ train_ms: r.train!.msPerStep, infer_ms: r.infer!.msPerBatch, peak_rss_mb: hwm }));
