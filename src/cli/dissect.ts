// `leanconv dissect <checkpoint>`: network dissection of one layer on a Broden-layout concept dataset.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { dissect } from '../analysis/dissect.js';
import { loadConceptDataset } from '../data/concepts.js';
import { type Normalization, withNormalization } from '../data/pipelines.js';
import type { TransformSpec } from '../data/transforms.js';
import { isStagedModel } from '../models/features.js';
import { checkpointInputShape, loadModel } from '../convert/checkpoint.js';
import { writeDissectReport } from '../report/dissect-report.js';
import { writeFileAtomic } from '../util/fs.js';
import { num, parse, UsageError, usage } from './args.js';
import { checkpointArgument, HELP, out, printJson } from './common.js';

/** NetDissect-Lite's preprocessing (feature_operation.py) on 0..1 RGB pixels: (255·x − BGR mean, flipped to RGB) / (255·0.224). */
const NETDISSECT_NORMALIZE: Normalization = { mean: [124.6901 / 255, 118.6897 / 255, 109.5388 / 255], std: [0.224, 0.224, 0.224] };

export async function cmdDissect(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, concepts: { type: 'string' as const }, layer: { type: 'string' as const }, quantile: { type: 'string' as const }, iou: { type: 'string' as const },
    top: { type: 'string' as const }, categories: { type: 'string' as const }, limit: { type: 'string' as const }, 'batch-size': { type: 'string' as const, short: 'b' },
    out: { type: 'string' as const, short: 'o' }, 'no-overlays': { type: 'boolean' as const }, normalize: { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'dissect');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv dissect <checkpoint.safetensors> --concepts DIR [--layer NAME] [--quantile 0.005] [--iou 0.04] [--top 10]
                        [--categories object,texture] [--limit N] [--batch-size 16] [--normalize checkpoint|netdissect]
                        [--out DIR] [--no-overlays] [--json]

Network dissection as NetDissect-Lite does it. Every unit of the layer is thresholded at the top
--quantile of its activations over the concept dataset; its maps, upsampled to the segmentation size,
are scored by IoU against every concept; a unit with IoU >= --iou detects its best concept.
  --concepts DIR   a concept dataset in Broden's layout: index.csv, category.csv, label.csv (c_*.csv
                   optional), images/ with the images and the label masks (label = R + 256*G)
  --layer NAME     the module whose spatial output is dissected (leanconv info lists modules); default:
                   the model's last stage (HCGNet: the post-BN-ReLU output of the last hybrid block)
  --normalize N    checkpoint (default: the normalisation the model was trained with, what its weights
                   expect) or netdissect (NetDissect-Lite's: BGR mean 109.5/118.7/124.7 subtracted, divided
                   by 255 x 0.224, as the official HCGNet dissection ran)
  --out DIR        where dissect.json, units.csv, unit_NNNN.png (each detector's top images, dimmed
                   outside its mask) and the report (index.html with detectors.png, the detectors per
                   category) go (default: dissect-<layer> beside the checkpoint)`);
  }
  if (values.concepts === undefined) throw new UsageError('--concepts DIR is required (a Broden-layout concept dataset)');
  const path = checkpointArgument(positionals[0]!);
  const concepts = loadConceptDataset(values.concepts as string, { categories: values.categories === undefined ? undefined : String(values.categories).split(',').map((c) => c.trim()) });
  const { model, meta } = loadModel(path);
  try {
    let layer = values.layer as string | undefined;
    if (layer === undefined) {
      if (!isStagedModel(model)) throw new UsageError(`${meta.model} names no default stage to dissect: pass --layer (a module path, e.g. one that \`leanconv info ${path}\` lists)`);
      layer = model.featureInfo.at(-1)!.module;
    }
    const outDir = (values.out as string | undefined) ?? join(dirname(path), `dissect-${layer}`);
    mkdirSync(outDir, { recursive: true });
    const extra = meta.extra as { preprocessing?: TransformSpec[] };
    const normalization = (values.normalize as string | undefined) ?? 'checkpoint';
    if (normalization !== 'checkpoint' && normalization !== 'netdissect') throw new UsageError(`--normalize must be checkpoint or netdissect, got '${normalization}'`);
    const preprocessing = normalization === 'netdissect' ? withNormalization(extra.preprocessing, NETDISSECT_NORMALIZE) : extra.preprocessing;
    const quiet = values.json === true;
    const result = await dissect(model, concepts, {
      layer, inputShape: checkpointInputShape(meta), preprocessing,
      quantile: num(values, 'quantile', { min: 0 }), iouThreshold: num(values, 'iou', { min: 0 }), topImages: num(values, 'top', { integer: true, min: 1 }),
      limit: num(values, 'limit', { integer: true, min: 1 }), batchSize: num(values, 'batch-size', { integer: true, min: 1 }),
      overlays: values['no-overlays'] ? undefined : { dir: outDir },
      onProgress: quiet ? undefined : (stage, done, total) => process.stderr.write(`\r${stage} ${done}/${total}${done === total ? '\n' : ''}`),
    });
    const report = { checkpoint: path, model: meta.model, concepts: concepts.dir, normalize: normalization, ...result };
    writeFileAtomic(join(outDir, 'dissect.json'), JSON.stringify(report, null, 2));
    const csv = ['unit,category,label,iou,detector,threshold', ...result.results.map((r) => `${r.unit},${r.category},"${r.label.replace(/"/g, '""')}",${r.iou.toFixed(6)},${r.detector},${r.threshold}`)];
    writeFileAtomic(join(outDir, 'units.csv'), `${csv.join('\n')}\n`);
    const written = await writeDissectReport(outDir, result, `${meta.model} (${basename(path)})`);
    if (values.json) return printJson({ ...report, outDir, html: written.html });
    out(`${meta.model} ${layer}: ${result.units} units, ${result.mapSize.join('x')} maps, ${result.images} images; ${result.detectors} detectors (IoU >= ${result.iouThreshold})`);
    out(`unique detectors: ${Object.entries(result.uniqueDetectors).map(([c, n]) => `${c} ${n}`).join(', ')}`);
    out('| unit | category | concept | IoU |\n|---:|---|---|---:|');
    for (const r of result.results.slice(0, 10)) out(`| ${r.unit} | ${r.category || '-'} | ${r.label || '-'} | ${r.iou.toFixed(4)} |`);
    out(`wrote ${join(outDir, 'dissect.json')}, units.csv${values['no-overlays'] ? '' : `, ${result.detectors} unit_NNNN.png`} and the report ${written.html}`);
  } finally {
    model.dispose();
  }
}
