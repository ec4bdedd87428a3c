// ONNX export of a deploy-form model: trace the eval-mode graph, fold BNs into the convs before them,
// encode an ONNX ModelProto (opset 13, dynamic batch dimension) with the model's name, classes and
// preprocessing in its metadata. A model that still holds training-form blocks (ACBlocks) is refused:
// exporting the training form by mistake silently costs the whole benefit of re-parameterisation.
import { createRequire } from 'node:module';
import { trainingFormBlocks } from '../convert/reparameterize.js';
import { ExportError, foldBatchNorms, traceGraph } from './graph.js';
// onnx-proto is CommonJS (protobufjs static code): load it with require.
const { onnx } = createRequire(import.meta.url)('onnx-proto');
export const ONNX_OPSET = 13;
export const METADATA_PREFIX = 'leanconv.';
function attribute(name, value) {
    const T = onnx.AttributeProto.AttributeType;
    if (typeof value === 'number')
        return { name, type: T.INT, i: value };
    if (Array.isArray(value))
        return { name, type: T.INTS, ints: value };
    return { name, type: T.FLOAT, f: value.float };
}
export function encodeGraph(graph, options = {}) {
    const DT = onnx.TensorProto.DataType;
    const valueInfo = (name, shape, symbolicBatch) => ({
        name,
        type: { tensorType: { elemType: DT.FLOAT, shape: { dim: shape.map((d, i) => (i === 0 && symbolicBatch ? { dimParam: 'N' } : { dimValue: d })) } } },
    });
    const initializer = [...graph.initializers].map(([name, init]) => ({
        name,
        dims: init.dims,
        dataType: init.data instanceof BigInt64Array ? DT.INT64 : DT.FLOAT,
        // Little-endian raw bytes (x86/ARM hosts are little-endian, as ONNX requires).
        rawData: new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength),
    }));
    const model = onnx.ModelProto.create({
        irVersion: 7,
        producerName: 'leanconv',
        producerVersion: '0.1.0',
        opsetImport: [{ domain: '', version: ONNX_OPSET }],
        graph: {
            name: options.name ?? 'leanconv',
            node: graph.nodes.map((n, i) => ({
                name: `${n.op}_${i}`, opType: n.op, input: n.inputs, output: n.outputs,
                attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
            })),
            initializer,
            input: [valueInfo(graph.input.name, graph.input.shape, true)],
            output: graph.outputs.map((o) => valueInfo(o.name, o.shape, true)),
        },
        metadataProps: Object.entries(options.metadata ?? {}).filter(([, value]) => value !== undefined).map(([key, value]) => ({
            key: METADATA_PREFIX + key, value: typeof value === 'string' ? value : JSON.stringify(value),
        })),
    });
    return onnx.ModelProto.encode(model).finish();
}
/** Exports a deploy-form model to ONNX bytes (the model is put in eval mode for the trace and restored). */
export function exportOnnx(model, options) {
    const blocks = trainingFormBlocks(model);
    if (blocks.length > 0 && !options.allowTrainingForm) {
        throw new ExportError(`the model is in its training form: ${blocks.length} re-parameterisable block(s) (${model.getSubmodule(blocks[0]).constructor.name} at '${blocks[0]}'` +
            `${blocks.length > 1 ? ', ...' : ''}) would be exported at training-form cost (separate branches, masked dense weights). Convert it first: ` +
            'reparameterize(model) in code, or `leanconv convert <checkpoint>` and export the deploy checkpoint');
    }
    const graph = traceGraph(model, options.inputShape);
    const folded = options.foldBatchNorm === false ? 0 : foldBatchNorms(graph);
    const ops = {};
    for (const n of graph.nodes)
        ops[n.op] = (ops[n.op] ?? 0) + 1;
    return { bytes: encodeGraph(graph, options), nodes: graph.nodes.length, ops, foldedBatchNorms: folded };
}
/** Reads the 'leanconv.*' metadata of an ONNX file (JSON values parsed). */
export function readOnnxMetadata(bytes) {
    const model = onnx.ModelProto.decode(bytes);
    const out = {};
    for (const p of model.metadataProps) {
        if (!p.key?.startsWith(METADATA_PREFIX))
            continue;
        const key = p.key.slice(METADATA_PREFIX.length);
        try {
            out[key] = JSON.parse(p.value ?? '');
        }
        catch {
            out[key] = p.value;
        }
    }
    return out;
}
//# sourceMappingURL=onnx.js.map