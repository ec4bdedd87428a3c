// Generators of hostile and broken input files (crafted the way a fuzzer or an attacker makes them), for
// test/hostile-files.test.ts. Each case is small bytes made here, with the error the command must give.
import { deflateSync, zipSync } from 'fflate';
/** A pickle written opcode by opcode. */
export class PickleWriter {
    parts = [0x80, 0x02]; // PROTO 2
    op(...bytes) {
        this.parts.push(...bytes);
        return this;
    }
    str(s) {
        const b = Buffer.from(s, 'utf8');
        if (b.length < 256)
            return this.op(0x8c, b.length, ...b); // SHORT_BINUNICODE
        return this.op(0x58, ...u32(b.length), ...b); // BINUNICODE
    }
    int(v) {
        return this.op(0x4a, ...i32(v)); // BININT
    }
    global(module, name) {
        return this.op(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1')); // GLOBAL
    }
    mark() {
        return this.op(0x28);
    }
    tuple() {
        return this.op(0x74);
    }
    intTuple(values) {
        this.mark();
        for (const v of values)
            this.int(v);
        return this.tuple();
    }
    /** _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) for a float storage of `numel` elements. */
    tensor(key, numel, offset, size, stride) {
        this.global('torch._utils', '_rebuild_tensor_v2').mark();
        this.mark().str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(numel).tuple().op(0x51); // BINPERSID
        this.int(offset).intTuple(size).intTuple(stride).op(0x89); // NEWFALSE
        this.global('collections', 'OrderedDict').op(0x29, 0x52); // EMPTY_TUPLE, REDUCE
        return this.tuple().op(0x52); // REDUCE
    }
    stop() {
        return Uint8Array.from([...this.parts, 0x2e]);
    }
}
const u32 = (v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const i32 = (v) => u32(v >>> 0);
/** A zip-format torch file: archive/data.pkl and the given storages (stored, as torch.save writes them). */
export function torchZip(pkl, storages = {}) {
    const files = { 'archive/data.pkl': [pkl, { level: 0 }], 'archive/version': [Buffer.from('3\n'), { level: 0 }] };
    for (const [k, v] of Object.entries(storages))
        files[`archive/data/${k}`] = [v, { level: 0 }];
    return zipSync(files);
}
/** A state dict {name: tensor} with one tensor record over storage '0' of `numel` floats. */
function oneTensor(numel, offset, size, stride) {
    return new PickleWriter().op(0x7d).str('conv1.weight').tensor('0', numel, offset, size, stride).op(0x73).stop();
}
/** End of central directory records claiming `entries` entries (zip64 when they do not fit 16 bits). */
function zip64ManyEntries() {
    const b = Buffer.alloc(56 + 20 + 22);
    // zip64 end of central directory record
    b.writeUInt32LE(0x06064b50, 0);
    b.writeBigUInt64LE(44n, 4);
    b.writeUInt16LE(45, 12);
    b.writeUInt16LE(45, 14);
    b.writeBigUInt64LE(0xffffffffn, 24);
    b.writeBigUInt64LE(0xffffffffn, 32);
    b.writeBigUInt64LE(0n, 40); // directory size 0
    b.writeBigUInt64LE(0n, 48); // at offset 0
    // zip64 locator
    b.writeUInt32LE(0x07064b50, 56);
    b.writeBigUInt64LE(0n, 64);
    b.writeUInt32LE(1, 72);
    // end of central directory
    b.writeUInt32LE(0x06054b50, 76);
    b.writeUInt16LE(0xffff, 84);
    b.writeUInt16LE(0xffff, 86);
    b.writeUInt32LE(0xffffffff, 88);
    b.writeUInt32LE(0xffffffff, 92);
    return new Uint8Array(b);
}
/** A plain end-of-central-directory record claiming `entries` entries in an empty central directory. */
function manyEntries(entries) {
    const b = Buffer.alloc(22);
    b.writeUInt32LE(0x06054b50, 0);
    b.writeUInt16LE(entries, 8);
    b.writeUInt16LE(entries, 10);
    return new Uint8Array(b);
}
/** A zip whose storage entry is deflated and declares `declared` bytes (the real stream inflates to `real`). */
function deflatedStorage(real, declared) {
    const zip = Buffer.from(zipSync({
        'archive/data.pkl': [oneTensor(4, 0, [4], [1]), { level: 0 }],
        'archive/data/0': [new Uint8Array(real), { level: 9 }],
    }));
    // Patch the declared (uncompressed) size in the local header and in the central directory entry.
    for (let at = 0; at + 4 <= zip.length; at++) {
        const sig = zip.readUInt32LE(at);
        const nameAt = sig === 0x04034b50 ? at + 30 : sig === 0x02014b50 ? at + 46 : -1;
        if (nameAt < 0)
            continue;
        const nameLength = zip.readUInt16LE(sig === 0x04034b50 ? at + 26 : at + 28);
        if (zip.subarray(nameAt, nameAt + nameLength).toString() !== 'archive/data/0')
            continue;
        zip.writeUInt32LE(declared >>> 0, sig === 0x04034b50 ? at + 22 : at + 24);
    }
    return new Uint8Array(zip);
}
/** A list that holds itself twice, 32 levels deep (2^32 leaves through the memo), as a dict key. */
function doublingMemo() {
    const p = new PickleWriter().op(0x7d); // the dict
    p.op(0x5d, 0x71, 0); // EMPTY_LIST, BINPUT 0
    for (let i = 1; i <= 32; i++) {
        p.op(0x30).op(0x5d).op(0x68, i - 1, 0x61).op(0x68, i - 1, 0x61).op(0x71, i); // POP; [] ; append memo[i-1] twice; BINPUT i
    }
    // The stack now holds the dict and list 32: make a tuple key of it.
    p.op(0x85).int(1).op(0x73); // TUPLE1 (key), 1, SETITEM
    return p.stop();
}
/** A list nested 200,000 deep. */
function deepNesting() {
    const p = new PickleWriter();
    const depth = 200_000;
    for (let i = 0; i < depth; i++)
        p.op(0x5d);
    for (let i = 1; i < depth; i++)
        p.op(0x61);
    return p.stop();
}
/** A list that contains itself, given as a storage's persistent id. */
function circularPersistentId() {
    return new PickleWriter().op(0x7d).str('w').op(0x5d, 0x32, 0x61, 0x51).op(0x73).stop(); // [], DUP, APPEND, BINPERSID
}
/** A LONG4 integer of n bytes. */
function longInteger(n) {
    const p = new PickleWriter().op(0x8b, ...u32(n));
    const body = new Uint8Array(n).fill(0x11);
    return Uint8Array.from([...p.stop().subarray(0, -1), ...body, 0x2e]);
}
/** A PNG signature and IHDR chunk for a width x height RGB image, followed by a bogus IDAT and IEND. */
export function pngHeader(width, height) {
    const chunk = (type, data) => {
        const out = Buffer.alloc(12 + data.length);
        out.writeUInt32BE(data.length, 0);
        out.write(type, 4, 'latin1');
        data.copy(out, 8);
        out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
        return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    return new Uint8Array(Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from(deflateSync(new Uint8Array(64)))), chunk('IEND', Buffer.alloc(0)),
    ]));
}
function crc32(bytes) {
    let c = 0xffffffff;
    for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
}
/** The torch.save-format cases for `leanconv import FILE -m resnet20`. */
export function torchFileCases() {
    const floats = (n) => new Uint8Array(4 * n);
    return [
        { name: 'zip64 record claiming 2^32-1 entries', file: 'zip64.pth', bytes: zip64ManyEntries(), error: /not a readable zip archive \(the archive claims 4294967295 entries, more than its 98 bytes/ },
        { name: 'end record claiming 65000 entries in an empty directory', file: 'entries.pth', bytes: manyEntries(65000), error: /not a readable zip archive \(the archive claims 65000 entries, more than its 0-byte central directory can hold\)/ },
        { name: 'deflated storage declaring 2.3 GB', file: 'zipbomb.pth', bytes: deflatedStorage(1 << 20, 2_300_000_000), error: /archive entry 'archive\/data\/0' needs 2300000000 bytes, beyond the \d+ bytes/ },
        { name: 'deflated storage inflating past its declared size', file: 'overflow.pth', bytes: deflatedStorage(8 << 20, 1000), error: /inflates past the 1000 bytes it declares/ },
        { name: 'stride-0 view of 4e8 elements', file: 'stride0.pth', bytes: torchZip(oneTensor(1, 0, [400_000_000], [0]), { 0: floats(1) }), error: /a tensor of shape \[400000000\] needs 1600000000 bytes, beyond/ },
        { name: 'negative storage offset', file: 'negoffset.pth', bytes: torchZip(oneTensor(432, -432, [16, 3, 3, 3], [27, 9, 3, 1]), { 0: floats(432) }), error: /negative storage offset \(-432\)/ },
        { name: 'negative stride', file: 'negstride.pth', bytes: torchZip(oneTensor(432, 431, [432], [-1]), { 0: floats(432) }), error: /negative stride \[-1\]/ },
        { name: 'view leaving its storage', file: 'outside.pth', bytes: torchZip(oneTensor(10, 5, [16], [1]), { 0: floats(10) }), error: /reaches past the end of its storage/ },
        { name: 'memo graph doubling 32 times', file: 'doubling.pth', bytes: torchZip(doublingMemo()), error: /no state dict found: the top-level dict has keys \[\[\[\[/ },
        { name: 'list nested 200,000 deep', file: 'deep.pth', bytes: torchZip(deepNesting()), error: /no state dict found: the file does not hold a dict/ },
        { name: 'circular persistent id', file: 'circular.pth', bytes: torchZip(circularPersistentId()), error: /unknown persistent id \[…\]/ },
        { name: 'LONG4 of 400 KB', file: 'long4.pth', bytes: torchZip(longInteger(400_000)), error: /no state dict found: the file does not hold a dict/ },
        { name: 'storage type named after an Object property', file: 'proto.pth', bytes: torchZip(new PickleWriter().global('torch', 'constructor').stop()), error: /refused to load the Python global 'torch\.constructor'/ },
        { name: 'truncated zip', file: 'truncated.pth', bytes: torchZip(oneTensor(4, 0, [4], [1]), { 0: floats(4) }).subarray(0, 60), error: /not a readable zip archive/ },
    ];
}
//# sourceMappingURL=hostile-files.js.map