// ONNX Runtime inference for exported leanconv models: onnxruntime-node (native CPU kernels) or
// onnxruntime-web's wasm backend (the browser's runtime, which also runs under Node). The runtimes are
// loaded on first use, so importing leanconv costs nothing when no ONNX model is run.
import { readFileSync } from 'node:fs';
import { validateMetadata } from './metadata.js';
import { readOnnxMetadata } from './onnx.js';
async function loadRuntime(backend) {
    try {
        if (backend === 'node')
            return await import('onnxruntime-node');
        const web = (await import('onnxruntime-web'));
        // Threads in the wasm backend need cross-origin isolation in browsers; one thread behaves everywhere.
        web.env.wasm.numThreads = 1;
        return web;
    }
    catch (err) {
        const pkg = backend === 'node' ? 'onnxruntime-node' : 'onnxruntime-web';
        throw new Error(`ONNX Runtime (${pkg}) is not installed or failed to load: ${err.message}. Install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install ${pkg}`);
    }
}
/** An exported classifier in an ONNX Runtime session. */
export class OnnxModel {
    ort;
    session;
    metadata;
    backend;
    metadataWarnings;
    constructor(ort, session, 
    /** leanconv's metadata, validated (validateMetadata): malformed fields are dropped, see metadataWarnings. */
    metadata, backend, 
    /** One line per metadata field that was malformed and dropped. */
    metadataWarnings = []) {
        this.ort = ort;
        this.session = session;
        this.metadata = metadata;
        this.backend = backend;
        this.metadataWarnings = metadataWarnings;
    }
    static async load(source, options = {}) {
        const backend = options.backend ?? 'node';
        const bytes = typeof source === 'string' ? new Uint8Array(readFileSync(source)) : source;
        const name = typeof source === 'string' ? source : 'ONNX bytes';
        let raw;
        try {
            raw = readOnnxMetadata(bytes);
        }
        catch (err) {
            throw new Error(`${name}: not a valid ONNX model (${err.message})`);
        }
        const { metadata, warnings } = validateMetadata(raw, name);
        const ort = await loadRuntime(backend);
        const sessionOptions = { graphOptimizationLevel: 'all' };
        if (options.threads !== undefined && backend === 'node')
            sessionOptions.intraOpNumThreads = options.threads;
        if (backend === 'web')
            sessionOptions.executionProviders = ['wasm'];
        const session = await ort.InferenceSession.create(bytes, sessionOptions);
        return new OnnxModel(ort, session, metadata, backend, warnings);
    }
    /** [C, H, W] of one input, from the metadata. */
    get inputShape() {
        const shape = this.metadata.input;
        if (shape)
            return shape;
        const dims = this.session.inputMetadata?.[0]?.shape;
        if (dims && dims.length === 4 && dims.slice(1).every((d) => typeof d === 'number'))
            return dims.slice(1);
        throw new Error('the ONNX model has no leanconv input-shape metadata and no static input shape');
    }
    get classes() {
        return this.metadata.classes;
    }
    /** Names of the model's outputs ('logits' for a classifier; feature0, ... for a feature backbone). */
    get outputNames() {
        return this.session.outputNames;
    }
    /** Every output for `batch` preprocessed images laid out as [batch, C, H, W], in outputNames order. */
    async runOutputs(pixels, batch) {
        const [c, h, w] = this.inputShape;
        if (pixels.length !== batch * c * h * w)
            throw new RangeError(`OnnxModel.run: expected ${batch}x${c}x${h}x${w} = ${batch * c * h * w} values, got ${pixels.length}`);
        const input = new this.ort.Tensor('float32', pixels, [batch, c, h, w]);
        try {
            const result = await this.session.run({ [this.session.inputNames[0]]: input });
            return this.session.outputNames.map((name) => ({ name, data: result[name].data, dims: result[name].dims.map(Number) }));
        }
        finally {
            input.dispose?.();
        }
    }
    /** Logits [batch, classes] (the first output) for `batch` preprocessed images laid out as [batch, C, H, W]. */
    async run(pixels, batch) {
        const [first] = await this.runOutputs(pixels, batch);
        return { logits: first.data, classes: first.dims[1] };
    }
    /** Top-k classes with softmax probabilities, per image. */
    async predict(pixels, batch, topk = 5) {
        const { logits, classes } = await this.run(pixels, batch);
        const names = this.classes;
        const out = [];
        for (let n = 0; n < batch; n++) {
            const row = logits.subarray(n * classes, (n + 1) * classes);
            const max = Math.max(...row);
            const exp = Array.from(row, (v) => Math.exp(v - max));
            const sum = exp.reduce((a, b) => a + b, 0);
            out.push(exp.map((e, index) => ({ index, label: names?.[index] ?? String(index), probability: e / sum }))
                .sort((a, b) => b.probability - a.probability).slice(0, Math.min(topk, classes)));
        }
        return out;
    }
    async release() {
        await this.session.release();
    }
}
//# sourceMappingURL=runtime.js.map