// Checkpoint-level deployment steps, shared by the CLI and library users: fuse a training-form
// checkpoint into its deploy checkpoint, export a checkpoint to ONNX and check it against libtorch,
// and measure an ONNX model's accuracy on a dataset split.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formName } from '../convert/form.js';
import { isExactDeploy, isReparameterizable } from '../blocks/reparam.js';
import { reparameterize, trainingFormBlocks } from '../convert/reparameterize.js';
import { getDatasetSpec } from '../data/datasets.js';
import { DataLoader } from '../data/loader.js';
import { dataTransforms, evalPipelineNormalized, normalizationOf, withNormalization } from '../data/pipelines.js';
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { randn } from '../engine/tensor.js';
import { featureBackbone } from '../models/features.js';
import { withoutEvalFusion } from '../nn/fusion.js';
import { learnedStructureOf } from '../nn/structure.js';
import { moduleOutputs } from '../nn/module.js';
import { checkpointInputShape, loadModel, saveCheckpoint } from '../convert/checkpoint.js';
import { ExportError } from './graph.js';
import { checkWritableTarget, writeFileAtomic } from '../util/fs.js';
import { exportOnnx } from './onnx.js';
import { OnnxModel } from './runtime.js';
/**
 * Largest output difference accepted between the training and deploy forms, and between ONNX Runtime
 * and libtorch, relative to the output's magnitude when that exceeds 1 (float32 fusion is ~1e-7 relative).
 */
export const CONVERT_TOLERANCE = 1e-4;
export const VERIFY_TOLERANCE = 1e-4;
const withinTolerance = (delta, scale, tol) => delta <= tol * Math.max(1, scale);
export class NothingToConvertError extends Error {
    constructor(message) {
        super(message);
        this.name = 'NothingToConvertError';
    }
}
/**
 * Writes the deploy checkpoint of a training-form checkpoint (default <name>.deploy.safetensors
 * beside it). The exact conversions are applied first and checked against the training form; the
 * lossy ones (classifier prune) after, and their effect is reported.
 */
export function convertCheckpoint(path, output) {
    const target = output ?? join(dirname(path), `${basename(path, '.safetensors')}.deploy.safetensors`);
    checkWritableTarget(target);
    const { model, meta } = loadModel(path);
    let deployed = model;
    const owned = [];
    const run = (m, x, asWritten = false) => {
        const y = noGrad(() => (asWritten ? withoutEvalFusion(() => m.forward(x)) : m.forward(x)));
        owned.push(y);
        return y;
    };
    try {
        const blocks = trainingFormBlocks(model);
        if (blocks.length === 0) {
            throw new NothingToConvertError(`${path} holds the ${formName(meta.form)} form of ${meta.model}, which has no training-form blocks to convert; it can be exported as it is`);
        }
        const learned = learnedStructureOf(model);
        model.eval();
        const x = randn([4, ...checkpointInputShape(meta)]);
        owned.push(x);
        // The reference runs as written: with eval fusion on, a training-form block would run its own cached
        // deploy form, and the check would compare the conversion with itself.
        const before = run(model, x, true);
        deployed = reparameterize(model, (block) => isReparameterizable(block) && isExactDeploy(block));
        const exact = run(deployed, x);
        const delta = maxAbsDifference(before, exact);
        const scale = before.abs().max().item();
        if (!withinTolerance(delta, scale, CONVERT_TOLERANCE))
            throw new Error(`the deploy form's outputs differ from the training form's by ${delta} (> ${CONVERT_TOLERANCE}); nothing was written`);
        const lossyBlocks = trainingFormBlocks(deployed).length;
        let lossy;
        if (lossyBlocks > 0) {
            deployed = reparameterize(deployed);
            lossy = { blocks: lossyBlocks, maxAbsDiff: maxAbsDifference(exact, run(deployed, x)) };
        }
        const form = { ...meta.form, deploy: true, ...(learned ? { structure: learned.structure, ...learned.legacy } : {}) };
        saveCheckpoint(target, deployed, { ...meta, form, extra: { ...meta.extra, convertedFrom: basename(path), conversionMaxAbsDiff: delta, ...(lossy ? { prunedMaxAbsDiff: lossy.maxAbsDiff } : {}) } });
        return { output: target, model: meta.model, blocks: blocks.length, params: deployed.numParameters(), maxAbsDiff: delta, lossy };
    }
    finally {
        for (const t of owned)
            t.dispose();
        deployed.dispose();
    }
}
/** '3 LearnedGroupConvs, 1 CondensableLinear' */
function countTypes(modules) {
    const counts = new Map();
    for (const m of modules)
        counts.set(m.constructor.name, (counts.get(m.constructor.name) ?? 0) + 1);
    return [...counts].map(([name, n]) => `${n} ${name}${n === 1 ? '' : 's'}`).join(', ');
}
function maxAbsDifference(a, b) {
    return tidy(() => a.sub(b).abs().max().item());
}
/**
 * Max |ONNX Runtime - libtorch| over a random batch (default 4) in eval mode, and the largest |output|; the
 * module runs as written (nn.withoutEvalFusion).
 */
export async function verifyOnnx(model, bytes, input, options = {}) {
    const batch = options.batch ?? 4;
    const x = randn([batch, ...input]);
    model.eval();
    // libtorch's side runs the module as written, so that neither side uses leanconv's inference folding.
    const expected = noGrad(() => withoutEvalFusion(() => moduleOutputs(model, x)));
    const session = await OnnxModel.load(bytes, { backend: options.backend });
    try {
        const outputs = await session.runOutputs(x.data(), batch);
        if (outputs.length !== expected.length)
            throw new Error(`the ONNX model has ${outputs.length} outputs, the module ${expected.length}`);
        let maxAbsDiff = 0;
        let scale = 0;
        expected.forEach((t, k) => {
            const ref = t.data();
            const got = outputs[k].data;
            if (got.length !== ref.length)
                throw new Error(`output ${outputs[k].name}: ${got.length} values from ONNX Runtime, ${ref.length} from libtorch`);
            for (let i = 0; i < ref.length; i++) {
                maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ref[i] - got[i]));
                scale = Math.max(scale, Math.abs(ref[i]));
            }
        });
        return { maxAbsDiff, scale };
    }
    finally {
        await session.release();
        x.dispose();
        for (const t of expected)
            t.dispose();
    }
}
/** Exports a deploy-form (or baseline) checkpoint to ONNX with its metadata; refuses a training form. */
export async function exportCheckpoint(path, options = {}) {
    const target = options.output ?? join(dirname(path), `${basename(path, '.safetensors')}${options.features ? '.features' : ''}.onnx`);
    checkWritableTarget(target);
    const loaded = loadModel(path);
    const meta = loaded.meta;
    let model = loaded.model;
    try {
        const blocks = trainingFormBlocks(model);
        if (blocks.length) {
            const form = formName(meta.form);
            throw new ExportError(`${path} holds the ${form === 'base' ? '' : `${form} `}training form of ${meta.model} (${countTypes(blocks.map((b) => model.getSubmodule(b)))}). ` +
                `Exporting it would ship every training-form block at its training cost. Run \`leanconv convert ${path}\` (convert.reparameterize in code) and export the .deploy.safetensors it writes.`);
        }
        const extra = meta.extra;
        const input = checkpointInputShape(meta);
        const preprocessing = options.normalize === undefined ? extra.preprocessing : withNormalization(extra.preprocessing, options.normalize);
        const metadata = { model: meta.model, form: formName(meta.form), input, classes: extra.classes, preprocessing, dataset: extra.dataset, epoch: meta.epoch };
        if (options.features) {
            const backbone = featureBackbone(model, true, input, meta.model);
            model = backbone;
            metadata.classes = undefined;
            metadata.features = backbone.featureInfo;
        }
        const exported = exportOnnx(model, { inputShape: input, foldBatchNorm: options.foldBatchNorm ?? true, name: meta.model, metadata });
        writeFileAtomic(target, exported.bytes);
        const result = { output: target, bytes: exported.bytes.length, nodes: exported.nodes, ops: exported.ops, foldedBatchNorms: exported.foldedBatchNorms };
        if (options.verify ?? true) {
            const { maxAbsDiff, scale } = await verifyOnnx(model, exported.bytes, input);
            result.maxAbsDiff = maxAbsDiff;
            if (!withinTolerance(maxAbsDiff, scale, VERIFY_TOLERANCE)) {
                throw new Error(`ONNX Runtime's outputs differ from libtorch's by ${result.maxAbsDiff} (> ${VERIFY_TOLERANCE}); the file was written to ${target} for inspection`);
            }
        }
        return result;
    }
    finally {
        model.dispose();
    }
}
/** Top-1 accuracy of an ONNX model on a dataset split, preprocessed as for libtorch evaluation. */
export async function evaluateOnnx(session, dataset, options = {}) {
    const spec = getDatasetSpec(dataset);
    const dir = options.dataDir ?? spec.defaultDir;
    if (dir === undefined)
        throw new Error(`dataset '${dataset}' needs a directory`);
    const data = spec.load(dir, options.split ?? 'test');
    // The normalisation the model records (its training's, or its imported weights' source's), unless given.
    const normalize = options.normalize ?? normalizationOf(session.metadata.preprocessing);
    const transforms = evalPipelineNormalized(dataTransforms(spec, data, session.inputShape, false).eval, normalize, session.inputShape[0]);
    const loader = new DataLoader(data, { batchSize: options.batchSize ?? 100, transforms, workers: 1 });
    let correct = 0;
    let count = 0;
    const start = performance.now();
    try {
        for await (const { images, labels } of loader.epoch(0)) {
            const n = labels.size(0);
            const pixels = images.data();
            const truth = labels.data();
            images.dispose();
            labels.dispose();
            const { logits, classes } = await session.run(pixels, n);
            for (let i = 0; i < n && (options.limit === undefined || count < options.limit); i++, count++) {
                const row = logits.subarray(i * classes, (i + 1) * classes);
                if (row.indexOf(Math.max(...row)) === Number(truth[i]))
                    correct++;
            }
            if (options.limit !== undefined && count >= options.limit)
                break;
        }
    }
    finally {
        await loader.close();
    }
    return { count, top1: correct / count, imagesPerSecond: count / ((performance.now() - start) / 1000) };
}
/**
 * Deploys a finished training run: fuses its last checkpoint if the run trained a training form, exports
 * <runDir>/model.onnx (checked against libtorch), and measures the ONNX model on the run's test split.
 */
export async function deployTrainingRun(runDir, log = () => { }) {
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    let checkpoint = join(runDir, 'last.safetensors');
    let converted;
    try {
        converted = convertCheckpoint(checkpoint);
    }
    catch (err) {
        if (!(err instanceof NothingToConvertError))
            throw err;
    }
    if (converted) {
        const pruned = converted.lossy ? `; classifier prune changes logits by up to ${converted.lossy.maxAbsDiff.toExponential(2)}` : '';
        log(`convert: ${converted.blocks} training-form blocks to their deploy form (max |output difference| ${converted.maxAbsDiff.toExponential(2)}${pruned}), ` +
            `${converted.params.toLocaleString('en-US')} params -> ${converted.output}`);
        checkpoint = converted.output;
    }
    const exported = await exportCheckpoint(checkpoint, { output: join(runDir, 'model.onnx') });
    log(`export: ${exported.output}, ${exported.nodes} nodes, ${exported.foldedBatchNorms} BNs folded; ONNX Runtime vs libtorch max |diff| ${exported.maxAbsDiff.toExponential(2)}`);
    const session = await OnnxModel.load(exported.output);
    try {
        const onnxEval = await evaluateOnnx(session, config.dataset, { dataDir: config.dataDir });
        return { checkpoint, onnx: exported.output, convert: converted, export: exported, onnxEval };
    }
    finally {
        await session.release();
    }
}
//# sourceMappingURL=pipeline.js.map