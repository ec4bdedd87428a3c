// safetensors: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
// {dtype, shape, data_offsets: [begin, end)} relative to the data section (plus an optional
// `__metadata__` string map), then the raw little-endian row-major bytes.
//
// Files are read tensor by tensor with positioned reads (a large checkpoint is never held in memory
// twice) and written to a temporary file that is renamed into place, so a crash never leaves a
// truncated file under the final name.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { describeValue } from '../util/describe.js';
import { writeFileAtomic } from '../util/fs.js';
import { ITEM_SIZE } from './dtype.js';
import { fromBytes } from './tensor.js';
const TO_FILE = {
    float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const FROM_FILE = Object.fromEntries(Object.entries(TO_FILE).map(([d, f]) => [f, d]));
/** The reference implementation's cap on the header size. */
const MAX_HEADER_BYTES = 100_000_000;
export class SafetensorsError extends Error {
    constructor(file, problem) {
        super(`${file}: invalid safetensors file: ${problem}`);
        this.name = 'SafetensorsError';
    }
}
/** Parses and strictly validates a header (`dataBytes`: the size of the data section). */
export function parseHeader(json, dataBytes, file = '<buffer>') {
    const fail = (problem) => {
        throw new SafetensorsError(file, problem);
    };
    let raw;
    try {
        raw = JSON.parse(json);
    }
    catch (err) {
        return fail(`header is not valid JSON (${err.message})`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        return fail('header is not a JSON object');
    const tensors = {};
    let metadata = {};
    const ranges = [];
    for (const [name, entry] of Object.entries(raw)) {
        if (name === '__metadata__') {
            if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
                return fail('__metadata__ must be an object');
            for (const [k, v] of Object.entries(entry)) {
                if (typeof v !== 'string')
                    fail(`__metadata__ value for '${k}' is not a string`);
            }
            metadata = entry;
            continue;
        }
        const e = entry;
        if (e === null || typeof e !== 'object')
            return fail(`entry '${name}' is not an object`);
        const dtype = typeof e.dtype === 'string' ? FROM_FILE[e.dtype] : undefined;
        if (dtype === undefined)
            return fail(`tensor '${name}' has unsupported dtype ${describeValue(e.dtype)}`);
        if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
            return fail(`tensor '${name}' has an invalid shape ${describeValue(e.shape)}`);
        }
        const offsets = e.data_offsets;
        if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
            return fail(`tensor '${name}' has invalid data_offsets ${describeValue(offsets)}`);
        }
        const [begin, end] = offsets;
        const expected = e.shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[dtype];
        if (end - begin !== expected) {
            return fail(`tensor '${name}' (${e.dtype} [${e.shape.join(', ')}]) needs ${expected} bytes but data_offsets span ${end - begin}`);
        }
        if (end > dataBytes)
            return fail(`tensor '${name}' ends at byte ${end} but the data section has ${dataBytes} bytes (truncated file?)`);
        tensors[name] = { dtype, shape: e.shape, dataOffsets: [begin, end] };
        ranges.push([begin, end, name]);
    }
    // The data must be covered exactly once, in order, with no gaps or overlaps.
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cursor = 0;
    for (const [begin, end, name] of ranges) {
        if (begin < cursor)
            return fail(`tensor '${name}' overlaps the previous tensor's data`);
        if (begin > cursor)
            return fail(`gap in the data section before tensor '${name}'`);
        cursor = end;
    }
    if (cursor !== dataBytes)
        return fail(`data section has ${dataBytes} bytes but the tensors cover ${cursor}`);
    return { tensors, metadata, dataStart: 0 };
}
/** Reads and validates only the header of a file. */
export function readHeader(path) {
    const fd = openSync(path, 'r');
    try {
        return readHeaderFd(fd, path);
    }
    finally {
        closeSync(fd);
    }
}
function readHeaderFd(fd, path) {
    const size = statSync(path).size;
    if (size < 8)
        throw new SafetensorsError(path, `file is ${size} bytes, too short for the 8-byte header length`);
    const lengthBytes = Buffer.alloc(8);
    readSync(fd, lengthBytes, 0, 8, 0);
    const headerLength = lengthBytes.readBigUInt64LE(0);
    if (headerLength > BigInt(MAX_HEADER_BYTES))
        throw new SafetensorsError(path, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
    const n = Number(headerLength);
    if (8 + n > size)
        throw new SafetensorsError(path, `header length ${n} runs past the end of the ${size}-byte file`);
    const json = Buffer.alloc(n);
    readSync(fd, json, 0, n, 8);
    const header = parseHeader(json.toString('utf8'), size - 8 - n, path);
    header.dataStart = 8 + n;
    return header;
}
/** Loads every tensor (or only those named in `names`) from a file. */
export function loadSafetensors(path, names) {
    const fd = openSync(path, 'r');
    try {
        const header = readHeaderFd(fd, path);
        const wanted = names ?? Object.keys(header.tensors);
        const tensors = {};
        try {
            for (const name of wanted) {
                const info = header.tensors[name];
                if (info === undefined)
                    throw new Error(`${path}: no tensor named '${name}'`);
                const [begin, end] = info.dataOffsets;
                const bytes = Buffer.allocUnsafe(end - begin);
                let done = 0;
                while (done < bytes.length) {
                    const n = readSync(fd, bytes, done, bytes.length - done, header.dataStart + begin + done);
                    if (n === 0)
                        throw new SafetensorsError(path, `unexpected end of file in tensor '${name}'`);
                    done += n;
                }
                tensors[name] = fromBytes(bytes, info.dtype, info.shape);
            }
        }
        catch (err) {
            for (const t of Object.values(tensors))
                t.dispose();
            throw err;
        }
        return { tensors, metadata: { ...header.metadata } };
    }
    finally {
        closeSync(fd);
    }
}
function encodeHeader(tensors, metadata) {
    const entries = {};
    if (metadata !== undefined && Object.keys(metadata).length > 0) {
        for (const [k, v] of Object.entries(metadata)) {
            if (typeof v !== 'string')
                throw new TypeError(`safetensors metadata values must be strings ('${k}' is ${typeof v})`);
        }
        entries.__metadata__ = metadata;
    }
    const order = Object.keys(tensors).sort();
    let offset = 0;
    for (const name of order) {
        if (name === '__metadata__')
            throw new TypeError("'__metadata__' is reserved and cannot name a tensor");
        const t = tensors[name];
        const nbytes = t.numel * ITEM_SIZE[t.dtype];
        entries[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + nbytes] };
        offset += nbytes;
    }
    // Pad the JSON with spaces so the data section starts 8-byte aligned, as the reference writer does.
    let json = JSON.stringify(entries);
    json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
    const body = Buffer.from(json, 'utf8');
    const header = Buffer.alloc(8 + body.length);
    header.writeBigUInt64LE(BigInt(body.length), 0);
    body.copy(header, 8);
    return { header, order };
}
/** Encodes tensors into an in-memory safetensors buffer. */
export function serializeSafetensors(tensors, metadata) {
    const { header, order } = encodeHeader(tensors, metadata);
    return Buffer.concat([header, ...order.map((name) => tensors[name].bytes())]);
}
/** Decodes an in-memory safetensors buffer. */
export function deserializeSafetensors(buffer) {
    const buf = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (buf.length < 8)
        throw new SafetensorsError('<buffer>', 'too short for the 8-byte header length');
    const n = buf.readBigUInt64LE(0);
    if (n > BigInt(Math.min(MAX_HEADER_BYTES, buf.length - 8)))
        throw new SafetensorsError('<buffer>', `header length ${n} runs past the end of the buffer`);
    const start = 8 + Number(n);
    const header = parseHeader(buf.subarray(8, start).toString('utf8'), buf.length - start);
    const tensors = {};
    for (const [name, info] of Object.entries(header.tensors)) {
        tensors[name] = fromBytes(buf.subarray(start + info.dataOffsets[0], start + info.dataOffsets[1]), info.dtype, info.shape);
    }
    return { tensors, metadata: header.metadata };
}
/**
 * Writes tensors to `path` atomically: data goes to a temporary file in the same directory, is flushed
 * to disk, then renamed over `path`. Tensors are written one at a time (never all in memory at once).
 */
export function saveSafetensors(path, tensors, metadata) {
    const { header, order } = encodeHeader(tensors, metadata);
    writeFileAtomic(path, (write) => {
        write(header);
        for (const name of order)
            write(tensors[name].bytes());
    });
}
//# sourceMappingURL=safetensors.js.map