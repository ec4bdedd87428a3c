import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from './helpers.js';
import * as lc from '../src/engine/index.js';
import { FileWriteError, writeFileAtomic } from '../src/util/fs.js';
const dir = tempDir('leanconv-st-');
/** Builds a raw safetensors file from a header object and data bytes. */
function rawFile(header, data = new Uint8Array(), lengthOverride) {
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
    return Buffer.concat([len, json, data]);
}
describe('safetensors', () => {
    test('every dtype round-trips through a file, with metadata', () => {
        const tensors = {};
        for (const dtype of lc.DTYPES)
            tensors[`t_${dtype}`] = lc.tensor([[1, 0, 3], [4, 5, 6]], { dtype });
        tensors.scalar = lc.scalar(2.5, { dtype: 'float64' });
        tensors.empty = lc.zeros([0, 3]);
        tensors.strided = lc.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]).T; // non-contiguous
        const path = join(dir, 'all.safetensors');
        lc.saveSafetensors(path, tensors, { model: 'resnet20', epoch: '3' });
        const loaded = lc.loadSafetensors(path);
        assert.deepEqual(loaded.metadata, { model: 'resnet20', epoch: '3' });
        assert.deepEqual(Object.keys(loaded.tensors).sort(), Object.keys(tensors).sort());
        for (const [name, t] of Object.entries(tensors)) {
            const back = loaded.tensors[name];
            assert.equal(back.dtype, t.dtype, name);
            assert.deepEqual(back.shape, t.shape, name);
            assert.deepEqual(back.bytes(), t.bytes(), name);
        }
        // the data section is 8-byte aligned, as the reference writer makes it
        const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
        assert.equal((8 + headerLength) % 8, 0);
        // only the named tensors are read when asked
        assert.deepEqual(Object.keys(lc.loadSafetensors(path, ['scalar']).tensors), ['scalar']);
        assert.throws(() => lc.loadSafetensors(path, ['nope']), /no tensor named 'nope'/);
    });
    test('reads a file laid out by the reference format (F32 + I64, metadata)', () => {
        const data = Buffer.alloc(16 + 8);
        [1.5, -2, 0, 4].forEach((v, i) => data.writeFloatLE(v, i * 4));
        data.writeBigInt64LE(-7n, 16);
        const file = rawFile({
            __metadata__: { format: 'pt' },
            w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
            n: { dtype: 'I64', shape: [], data_offsets: [16, 24] },
        }, data);
        const path = join(dir, 'ref.safetensors');
        writeFileSync(path, file);
        const { tensors, metadata } = lc.loadSafetensors(path);
        assert.deepEqual(tensors.w.toArray(), [[1.5, -2], [0, 4]]);
        assert.equal(tensors.n.item(), -7);
        assert.equal(metadata.format, 'pt');
        assert.deepEqual(lc.readHeader(path).tensors.w, { dtype: 'float32', shape: [2, 2], dataOffsets: [0, 16] });
    });
    test('corrupt files fail with a message naming the file and the problem', () => {
        const cases = [
            ['short', Buffer.from([1, 2, 3]), /too short for the 8-byte header length/],
            ['hugeheader', rawFile({}, undefined, 1n << 40n), /exceeds the 100000000-byte limit/],
            ['pastend', rawFile({}, undefined, 500n), /runs past the end/],
            ['notjson', Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{')]), /not valid JSON/],
            ['dtype', rawFile({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /unsupported dtype "C64"/],
            ['shape', rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /invalid shape/],
            ['size', rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but data_offsets span 8/],
            ['truncated', rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /truncated file/],
            ['overlap', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps/],
            ['gap', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /gap in the data section/],
            ['trailing', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /tensors cover 4/],
            ['meta', rawFile({ __metadata__: { epoch: 3 } }), /__metadata__ value for 'epoch' is not a string/],
        ];
        for (const [name, bytes, pattern] of cases) {
            const path = join(dir, `${name}.safetensors`);
            writeFileSync(path, bytes);
            assert.throws(() => lc.loadSafetensors(path), (e) => e.name === 'SafetensorsError' && e.message.startsWith(path) && pattern.test(e.message), name);
        }
        assert.throws(() => lc.deserializeSafetensors(Buffer.from([1, 2])), /too short/);
    });
    test('writes are atomic: a save that fails mid-write leaves the previous file intact and no temp file', () => {
        const sub = mkdtempSync(join(dir, 'atomic-'));
        const path = join(sub, 'atomic.safetensors');
        lc.saveSafetensors(path, { a: lc.ones([2]) });
        const before = readFileSync(path);
        // The header and the first tensor are already in the temporary file when the second tensor fails.
        const failing = lc.zeros([4]);
        failing.bytes = () => {
            assert.equal(readdirSync(sub).filter((f) => f.endsWith('.tmp')).length, 1, 'the temporary file exists at the failure');
            throw new Error('disk full (simulated)');
        };
        assert.throws(() => lc.saveSafetensors(path, { a: lc.zeros([2]), b: failing }), /disk full \(simulated\)/);
        assert.deepEqual(readFileSync(path), before);
        // The message names the file, the cause in words and what the user still has.
        failing.bytes = () => {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        };
        assert.throws(() => lc.saveSafetensors(path, { b: failing }), (e) => e.message === `cannot write ${path}: no space left on device; the previous atomic.safetensors is intact`);
        assert.throws(() => lc.saveSafetensors(join(sub, 'new.safetensors'), { b: failing }), /new\.safetensors: no space left on device; nothing was written$/);
        assert.deepEqual(readFileSync(path), before);
        assert.deepEqual(readdirSync(sub), ['atomic.safetensors'], 'no temporary file is left behind');
        assert.throws(() => lc.saveSafetensors(path, { a: lc.ones([1]) }, { n: 1 }), /metadata values must be strings/);
        assert.deepEqual(readFileSync(path), before);
    });
    test('atomic writer: unique temporary names, clear errors for a missing directory or a directory target', () => {
        const sub = mkdtempSync(join(dir, 'writer-'));
        const path = join(sub, 'config.json');
        // A stale temporary file (or directory) of an earlier crashed writer does not block a new write.
        mkdirSync(join(sub, '.config.json.tmp'));
        writeFileAtomic(path, 'one');
        assert.equal(readFileSync(path, 'utf8'), 'one');
        // Two writers interleaved: the second writes and renames while the first still has its file open.
        writeFileAtomic(path, (write) => {
            write(Buffer.from('first '));
            writeFileAtomic(path, 'second');
            assert.equal(readFileSync(path, 'utf8'), 'second');
            write(Buffer.from('writer'));
        });
        assert.equal(readFileSync(path, 'utf8'), 'first writer', 'the last rename wins, whole');
        assert.throws(() => writeFileAtomic(path, (write) => {
            write(Buffer.from('partial'));
            throw new Error('interrupted');
        }), /interrupted/);
        assert.equal(readFileSync(path, 'utf8'), 'first writer');
        assert.deepEqual(readdirSync(sub).sort(), ['.config.json.tmp', 'config.json']);
        assert.throws(() => writeFileAtomic(join(sub, 'missing', 'x.onnx'), 'x'), (e) => e instanceof FileWriteError && /cannot write .*x\.onnx: the directory .*missing does not exist/.test(e.message));
        assert.throws(() => writeFileAtomic(sub, 'x'), /cannot write .*: it is a directory/);
    });
    test('in-memory serialize/deserialize', () => {
        const bytes = lc.serializeSafetensors({ x: lc.tensor([1, 2, 3], { dtype: 'int32' }) }, { k: 'v' });
        const back = lc.deserializeSafetensors(bytes);
        assert.deepEqual(back.tensors.x.toArray(), [1, 2, 3]);
        assert.equal(back.metadata.k, 'v');
    });
});
//# sourceMappingURL=safetensors.test.js.map