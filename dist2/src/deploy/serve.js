// `leanconv serve`: a local web page that runs an exported model in the browser with onnxruntime-web. The
// server only hands out files: the page (dist/web, bundled from web/ by esbuild), onnxruntime-web's own
// scripts and wasm binaries, the model and its metadata. Inference happens in the browser. Responses carry
// COOP/COEP headers so the page is cross-origin isolated and ONNX Runtime's wasm backend may use threads.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { packageRoot } from '../util/package-root.js';
import { validateMetadata } from './metadata.js';
import { readOnnxMetadata } from './onnx.js';
export class ServeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ServeError';
    }
}
const TYPES = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
    '.json': 'application/json', '.onnx': 'application/octet-stream', '.map': 'application/json',
};
/** The model file a `serve` argument names: an .onnx file, or a run directory's model.onnx. */
export function modelFileOf(target) {
    if (!existsSync(target))
        throw new ServeError(`${target}: no such file or directory`);
    if (statSync(target).isDirectory()) {
        const file = join(target, 'model.onnx');
        if (!existsSync(file))
            throw new ServeError(`${target} has no model.onnx: export it first (leanconv export ${join(target, 'last.safetensors')} --out ${file})`);
        return file;
    }
    return target;
}
/**
 * Whether a request's Host header names this server: an IP literal, 'localhost', or the name it was bound to.
 * Any other name is refused, as dev servers do, so that a page on another site cannot reach the model
 * through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1).
 */
export function isAllowedHost(header, boundHost) {
    if (header === undefined || header === '')
        return false;
    const name = (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '')).toLowerCase();
    if (name === 'localhost' || name === boundHost.toLowerCase() || name === `[${boundHost.toLowerCase()}]`)
        return true;
    if (/^\[[0-9a-f:.]+\]$/.test(name))
        return true;
    return isIP(name) === 4;
}
/** Starts the page's server for one model; resolves once it listens. */
export async function serveModel(target, options = {}) {
    const modelFile = modelFileOf(target);
    const model = new Uint8Array(readFileSync(modelFile));
    let raw;
    try {
        raw = readOnnxMetadata(model);
    }
    catch (err) {
        throw new ServeError(`${modelFile}: not an ONNX model (${err.message})`);
    }
    const { metadata, warnings } = validateMetadata(raw, modelFile);
    for (const warning of warnings)
        (options.warn ?? ((line) => process.stderr.write(`warning: ${line}\n`)))(warning);
    if (metadata.input === undefined)
        throw new ServeError(`${modelFile}: no input shape in its metadata (export it with leanconv export)`);
    const meta = JSON.stringify({ file: basename(modelFile), ...metadata });
    const web = join(packageRoot(), 'dist', 'web');
    if (!existsSync(join(web, 'app.js')))
        throw new ServeError(`${web}/app.js is missing: build the page with npm run build`);
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    const host = options.host ?? '127.0.0.1';
    const server = createServer((req, res) => {
        if (!isAllowedHost(req.headers.host, host)) {
            res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`refused: Host '${req.headers.host ?? ''}' is not this server's address`);
            return;
        }
        let path;
        try {
            path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        }
        catch {
            res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request: malformed URL');
            return;
        }
        let body;
        let type = 'application/octet-stream';
        if (path === '/' || path === '/index.html')
            [body, type] = [readFileSync(join(web, 'index.html')), TYPES['.html']];
        else if (path === '/app.js')
            [body, type] = [readFileSync(join(web, 'app.js')), TYPES['.js']];
        else if (path === '/meta.json')
            [body, type] = [meta, TYPES['.json']];
        else if (path === '/model.onnx')
            body = model;
        else if (/^\/ort\/[A-Za-z0-9._-]+$/.test(path)) {
            // Only file names, no separators: nothing outside onnxruntime-web's dist folder can be named.
            const file = join(ortDir, path.slice('/ort/'.length));
            if (existsSync(file))
                [body, type] = [readFileSync(file), TYPES[file.slice(file.lastIndexOf('.'))] ?? type];
        }
        if (path === '/favicon.ico') {
            res.writeHead(204).end();
            return;
        }
        if (body === undefined) {
            res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
            return;
        }
        res.writeHead(200, {
            'Content-Type': type, 'Cache-Control': 'no-cache',
            'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
        }).end(body);
    });
    await new Promise((resolve, reject) => {
        server.once('error', (err) => reject(new ServeError(err.code === 'EADDRINUSE' ? `port ${options.port} is in use (--port)` : err.message)));
        server.listen(options.port ?? 8080, host, resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return {
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        server,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
//# sourceMappingURL=serve.js.map