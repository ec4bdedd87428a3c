// A bounded reader of zip archives as torch.save writes them (stored entries, zip64 for large files). Every
// count and size the archive declares is checked against the file's own length before anything is read or
// allocated, so a crafted archive (2^32 entries in 98 bytes, an entry claiming gigabytes) fails at once.
// Stored entries are returned as views of the file's bytes; deflated ones are inflated into a buffer of
// their declared size, which the caller's byte budget bounds.
import { Inflate } from 'fflate';
export class ZipError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ZipError';
    }
}
const CENTRAL_HEADER = 46;
const MAX_U32 = 0xffffffff;
/** The central directory of a zip archive: its entries by name. */
export function readZipDirectory(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u16 = (at) => view.getUint16(at, true);
    const u32 = (at) => view.getUint32(at, true);
    const u64 = (at) => {
        const v = view.getBigUint64(at, true);
        if (v > BigInt(bytes.length))
            throw new ZipError(`a size or offset (${v}) beyond the end of the ${bytes.length}-byte file`);
        return Number(v);
    };
    // End of central directory: the last 22+ bytes, before a comment of at most 65535 bytes.
    let eocd = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
        if (u32(at) === 0x06054b50) {
            eocd = at;
            break;
        }
    }
    if (eocd < 0)
        throw new ZipError('no end-of-central-directory record (truncated or not a zip archive)');
    let count = u16(eocd + 10);
    let size = u32(eocd + 12);
    let offset = u32(eocd + 16);
    if (count === 0xffff || size === MAX_U32 || offset === MAX_U32) {
        const locator = eocd - 20;
        if (locator < 0 || u32(locator) !== 0x07064b50)
            throw new ZipError('a zip64 archive without its zip64 locator');
        const record = u64(locator + 8);
        if (record + 56 > bytes.length || u32(record) !== 0x06064b50)
            throw new ZipError('the zip64 end-of-central-directory record is missing');
        const claimed = view.getBigUint64(record + 32, true);
        if (claimed * BigInt(CENTRAL_HEADER) > BigInt(bytes.length))
            throw new ZipError(`the archive claims ${claimed} entries, more than its ${bytes.length} bytes can hold`);
        count = Number(claimed);
        size = u64(record + 40);
        offset = u64(record + 48);
    }
    if (offset + size > bytes.length)
        throw new ZipError(`the central directory (${size} bytes at ${offset}) reaches past the end of the ${bytes.length}-byte file`);
    if (count * CENTRAL_HEADER > size)
        throw new ZipError(`the archive claims ${count} entries, more than its ${size}-byte central directory can hold`);
    const entries = new Map();
    const names = new TextDecoder('utf-8');
    let at = offset;
    for (let i = 0; i < count; i++) {
        if (at + CENTRAL_HEADER > offset + size || u32(at) !== 0x02014b50)
            throw new ZipError(`central directory entry ${i} is malformed`);
        const method = u16(at + 10);
        let compressedSize = u32(at + 20);
        let entrySize = u32(at + 24);
        const nameLength = u16(at + 28);
        const extraLength = u16(at + 30);
        const commentLength = u16(at + 32);
        let headerOffset = u32(at + 42);
        const end = at + CENTRAL_HEADER + nameLength + extraLength + commentLength;
        if (end > offset + size)
            throw new ZipError(`central directory entry ${i} reaches past the directory`);
        const name = names.decode(bytes.subarray(at + CENTRAL_HEADER, at + CENTRAL_HEADER + nameLength));
        // Zip64 extra field: the 64-bit values of the fields that read 0xffffffff, in this order.
        for (let x = at + CENTRAL_HEADER + nameLength; x + 4 <= at + CENTRAL_HEADER + nameLength + extraLength;) {
            const id = u16(x);
            const length = u16(x + 2);
            if (id === 0x0001) {
                let field = x + 4;
                const next = () => {
                    if (field + 8 > x + 4 + length)
                        throw new ZipError(`entry '${name}': short zip64 extra field`);
                    const v = u64(field);
                    field += 8;
                    return v;
                };
                if (entrySize === MAX_U32)
                    entrySize = next();
                if (compressedSize === MAX_U32)
                    compressedSize = next();
                if (headerOffset === MAX_U32)
                    headerOffset = next();
            }
            x += 4 + length;
        }
        if (headerOffset + 30 + compressedSize > bytes.length)
            throw new ZipError(`entry '${name}' (${compressedSize} bytes) reaches past the end of the file`);
        if (method !== 0 && method !== 8)
            throw new ZipError(`entry '${name}' uses compression method ${method} (only stored and deflate are read)`);
        if (method === 0 && compressedSize !== entrySize)
            throw new ZipError(`stored entry '${name}' declares ${entrySize} bytes but holds ${compressedSize}`);
        if (entries.has(name))
            throw new ZipError(`entry '${name}' appears twice`);
        entries.set(name, { name, method, compressedSize, size: entrySize, headerOffset });
        at = end;
    }
    return entries;
}
/** An entry's bytes: a view of `bytes` for a stored entry, a new buffer of its declared size for a deflated one. */
export function readZipEntry(bytes, entry) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = entry.headerOffset;
    if (view.getUint32(at, true) !== 0x04034b50)
        throw new ZipError(`entry '${entry.name}': no local header at ${at}`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > bytes.length)
        throw new ZipError(`entry '${entry.name}' reaches past the end of the file`);
    const data = bytes.subarray(start, end);
    if (entry.method === 0)
        return data;
    // Inflated in chunks, stopping as soon as the output passes the declared size (a deflate bomb).
    const out = new Uint8Array(entry.size);
    let written = 0;
    const inflater = new Inflate((chunk) => {
        if (written + chunk.length > out.length)
            throw new ZipError(`entry '${entry.name}' inflates past the ${entry.size} bytes it declares`);
        out.set(chunk, written);
        written += chunk.length;
    });
    try {
        for (let at = 0; at < data.length; at += 1 << 16)
            inflater.push(data.subarray(at, at + (1 << 16)), at + (1 << 16) >= data.length);
    }
    catch (err) {
        if (err instanceof ZipError)
            throw err;
        throw new ZipError(`entry '${entry.name}': corrupt deflate data (${err.message})`);
    }
    if (written !== entry.size)
        throw new ZipError(`entry '${entry.name}' inflates to ${written} bytes, not the ${entry.size} it declares`);
    return out;
}
//# sourceMappingURL=zip.js.map