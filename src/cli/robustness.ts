// `leanconv robustness <checkpoint>`: accuracy under FGSM or PGD attacks on a dataset's test split.
import { robustness, type Normalization } from '../analysis/robustness.js';
import { DataLoader } from '../data/loader.js';
import type { TransformSpec } from '../data/transforms.js';
import { checkpointInputShape, loadModel, readCheckpointMeta } from '../convert/checkpoint.js';
import { unknownNameMessage } from '../util/suggest.js';
import { list, num, parse, UsageError, usage } from './args.js';
import { checkpointArgument, checkpointEvalSplitFrom, HELP, out, printJson } from './common.js';

const DEFAULT_EPSILONS = [0, 0.001, 0.002, 0.003, 0.004, 0.005];

export async function cmdRobustness(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, attack: { type: 'string' as const }, eps: { type: 'string' as const }, steps: { type: 'string' as const }, 'step-size': { type: 'string' as const },
    limit: { type: 'string' as const }, 'batch-size': { type: 'string' as const, short: 'b' }, dataset: { type: 'string' as const, short: 'd' },
    'data-dir': { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'robustness');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv robustness <checkpoint.safetensors> [--attack fgsm|pgd] [--eps ${DEFAULT_EPSILONS.join(',')}] [--steps 10] [--step-size 0.25]
                           [--limit N] [--batch-size 100] [--dataset NAME] [--data-dir DIR] [--json]

Top-1 accuracy on the test split under an L∞ attack of each budget ε, in [0, 1] pixel units: the
perturbation is made on the pixels and the checkpoint's normalisation is applied after it (Foolbox's
convention, used by HCGNet's FGSM table). An image the model already gets wrong counts as wrong.
  --attack fgsm   one signed-gradient step of size ε (default)
  --attack pgd    --steps projected signed steps of --step-size·ε (default 2.5/steps) from a random start
  --limit N       attack only the first N test images`);
  }
  const attack = (values.attack as string | undefined) ?? 'fgsm';
  if (attack !== 'fgsm' && attack !== 'pgd') throw new UsageError(unknownNameMessage('attack', attack, ['fgsm', 'pgd']));
  const epsilons = list(values, 'eps') ?? DEFAULT_EPSILONS;
  if (epsilons.some((e) => !(e >= 0 && e <= 1))) throw new UsageError(`--eps: budgets are pixel units in [0, 1], got ${epsilons.join(',')}`);
  const path = checkpointArgument(positionals[0]!);
  const meta = readCheckpointMeta(path);
  const { dataset: datasetName, testSet, transforms, adaptation } = checkpointEvalSplitFrom(path, meta, values);
  if (adaptation) process.stderr.write(`note: ${adaptation}\n`);
  // The attack works on pixels: the loader stops before normalisation, which the model applies after the perturbation.
  const normalize = transforms.find((t): t is Extract<TransformSpec, { name: 'normalize' }> => t.name === 'normalize');
  const channels = checkpointInputShape(meta)[0];
  const normalization: Normalization = normalize ?? { mean: Array(channels).fill(0), std: Array(channels).fill(1) };
  const loader = new DataLoader(testSet, { batchSize: num(values, 'batch-size', { integer: true, min: 1 }) ?? 100, transforms: transforms.filter((t) => t.name !== 'normalize'), workers: 1 });
  const limit = num(values, 'limit', { integer: true, min: 1 });
  const { model } = loadModel(path);
  const total = Math.min(limit ?? Infinity, testSet.length);
  const progress = attackProgress(total, `${attack.toUpperCase()} at ${epsilons.length} budgets`);
  async function* batches(): AsyncGenerator<{ pixels: import('../engine/tensor.js').Tensor; labels: import('../engine/tensor.js').Tensor }> {
    let seen = 0;
    for await (const { images, labels } of loader.epoch(0)) {
      const take = limit === undefined ? labels.size(0) : Math.min(labels.size(0), limit - seen);
      const pixels = images.narrow(0, 0, take);
      const targets = labels.narrow(0, 0, take);
      try {
        yield { pixels, labels: targets };
      } finally {
        for (const t of [images, labels, pixels, targets]) t.dispose();
      }
      seen += take;
      progress(seen);
      if (limit !== undefined && seen >= limit) break;
    }
  }
  try {
    const r = await robustness(model, batches(), normalization, {
      attack, epsilons, steps: num(values, 'steps', { integer: true, min: 1 }), relativeStepSize: num(values, 'step-size', { min: 0 }),
    });
    if (values.json) return printJson({ checkpoint: path, model: meta.model, dataset: datasetName, ...r });
    out(`${meta.model} on ${datasetName} test (${r.count} images), ${attack.toUpperCase()} in [0, 1] pixel space:`);
    out('| ε | top-1 |\n|---|---|');
    for (const a of r.accuracy) out(`| ${a.epsilon} | ${(100 * a.top1).toFixed(2)}% |`);
  } finally {
    await loader.close();
    model.dispose();
  }
}

/**
 * A progress line on stderr (redrawn on a terminal, every 15 s otherwise): attacking the whole test set takes
 * minutes, and the result comes only at the end.
 */
function attackProgress(total: number, what: string): (done: number) => void {
  const start = performance.now();
  let last = start;
  const tty = Boolean(process.stderr.isTTY);
  return (done) => {
    const now = performance.now();
    if (!tty && now - last < 15_000 && done < total) return;
    last = now;
    const seconds = (now - start) / 1000;
    const eta = done > 0 ? (seconds * (total - done)) / done : 0;
    const line = `robustness: ${done}/${total} images attacked (${what}), ${seconds.toFixed(0)} s, ETA ${eta.toFixed(0)} s`;
    process.stderr.write(tty ? `\r${line}\x1b[K${done >= total ? '\n' : ''}` : `${line}\n`);
  };
}
