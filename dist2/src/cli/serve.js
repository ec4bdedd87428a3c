// `leanconv serve`: the exported model in a local web page (src/deploy/serve.ts).
import { serveModel } from '../deploy/serve.js';
import { num, parse, usage } from './args.js';
import { HELP, out } from './common.js';
export async function cmdServe(argv) {
    const opts = { ...HELP, port: { type: 'string', short: 'p' }, host: { type: 'string' } };
    const { values, positionals } = parse(argv, opts, 'serve');
    if (values.help || positionals.length !== 1) {
        return usage(values.help, `usage: leanconv serve <run-dir | model.onnx> [--port 8080] [--host 127.0.0.1]

Starts a local web page that runs the exported model in the browser with onnxruntime-web (WebGPU when the
browser has it, else wasm): pick or drop an image, or draw one for small grayscale models, and see the
top-5 classes with their probabilities and the inference time. Preprocessing and class names come from
the ONNX metadata, as for leanconv predict. --port 0 picks a free port. Stop it with Ctrl-C.`);
    }
    const running = await serveModel(positionals[0], { port: num(values, 'port', { integer: true, min: 0 }) ?? 8080, host: values.host });
    out(`serving ${positionals[0]} at ${running.url} (Ctrl-C stops)`);
    await new Promise((resolve) => process.once('SIGINT', () => void running.close().then(resolve)));
}
//# sourceMappingURL=serve.js.map