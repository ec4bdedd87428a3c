// Tar shards in the WebDataset layout: samples are consecutive members sharing a key (the member's path up to the
// first dot of its file name), one member per field: `<key>.jpg` (or .jpeg/.png/.webp) and `<key>.cls` (the class
// index as text). Shards are indexed once, reading only headers and the label members; image bytes are read at their
// offsets when a batch needs them.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
const BLOCK = 512;
const IMAGE_FIELDS = new Set(['jpg', 'jpeg', 'png', 'webp']);
export class TarShardError extends Error {
    path;
    constructor(path, problem) {
        super(`${path}: ${problem}`);
        this.path = path;
        this.name = 'TarShardError';
    }
}
function octal(header, start, length) {
    const text = header.toString('latin1', start, start + length).replace(/\0.*$/s, '').trim();
    if (text === '')
        return 0;
    if (!/^[0-7]+$/.test(text))
        return Number.NaN;
    return parseInt(text, 8);
}
function field(header, start, length) {
    const end = header.indexOf(0, start);
    return header.toString('utf8', start, end < 0 || end > start + length ? start + length : end);
}
/** A ustar header's checksum: the bytes summed with the checksum field read as spaces. */
function checksumOk(header) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 32 : header[i];
    return sum === octal(header, 148, 8);
}
/** The samples of one shard, in tar order. */
export function indexTarShard(path) {
    const fileSize = statSync(path).size;
    const fd = openSync(path, 'r');
    const header = Buffer.alloc(BLOCK);
    const samples = [];
    let current;
    const finish = () => {
        if (current === undefined)
            return;
        if (current.offset === undefined)
            throw new TarShardError(path, `sample '${current.key}' has no image member (.${[...IMAGE_FIELDS].join(', .')})`);
        if (current.label === undefined)
            throw new TarShardError(path, `sample '${current.key}' has no .cls member (its class index)`);
        samples.push({ key: current.key, offset: current.offset, size: current.size, label: current.label });
    };
    try {
        let position = 0;
        let longName;
        for (;;) {
            if (position + BLOCK > fileSize)
                throw new TarShardError(path, `truncated: the archive ends inside a header at byte ${position}`);
            readSync(fd, header, 0, BLOCK, position);
            if (header.every((b) => b === 0))
                break; // end-of-archive blocks
            if (!checksumOk(header))
                throw new TarShardError(path, `not a tar archive, or corrupt: bad header checksum at byte ${position}`);
            const size = octal(header, 124, 12);
            if (!Number.isFinite(size))
                throw new TarShardError(path, `bad member size in the header at byte ${position}`);
            const type = String.fromCharCode(header[156]);
            const dataStart = position + BLOCK;
            if (dataStart + size > fileSize)
                throw new TarShardError(path, `truncated: a member at byte ${position} needs ${size} bytes, the file ends first`);
            const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
            if (type === 'L' || type === 'x') {
                // A GNU long name, or a pax header whose path= record names the next member.
                const data = Buffer.alloc(size);
                readSync(fd, data, 0, size, dataStart);
                longName = type === 'L' ? data.toString('utf8').replace(/\0.*$/s, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
                position = next;
                continue;
            }
            const prefix = field(header, 345, 155);
            const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
            longName = undefined;
            position = next;
            if (type !== '0' && type !== '\0')
                continue; // directories, links
            const base = basename(name);
            const dot = base.indexOf('.');
            if (dot <= 0)
                continue;
            const key = name.slice(0, name.length - base.length + dot);
            const ext = base.slice(dot + 1).toLowerCase();
            if (current?.key !== key) {
                finish();
                current = { key };
            }
            if (IMAGE_FIELDS.has(ext)) {
                current.offset = dataStart;
                current.size = size;
            }
            else if (ext === 'cls' || ext === 'cls.txt' || ext === 'label') {
                const data = Buffer.alloc(size);
                readSync(fd, data, 0, size, dataStart);
                const text = data.toString('utf8').trim();
                if (!/^\d+$/.test(text))
                    throw new TarShardError(path, `sample '${key}': its .${ext} member holds '${text.slice(0, 40)}', not a class index`);
                current.label = Number(text);
            }
        }
        finish();
    }
    finally {
        closeSync(fd);
    }
    if (samples.length === 0)
        throw new TarShardError(path, 'no samples (expected <key>.jpg and <key>.cls members)');
    return samples;
}
/** `count` bytes of a file from `offset` (a shard member's data). */
export function readRange(path, offset, count) {
    const out = Buffer.alloc(count);
    const fd = openSync(path, 'r');
    try {
        let done = 0;
        while (done < count) {
            const n = readSync(fd, out, done, count - done, offset + done);
            if (n === 0)
                throw new TarShardError(path, `ends before byte ${offset + count} (the shard changed after it was indexed?)`);
            done += n;
        }
    }
    finally {
        closeSync(fd);
    }
    return out;
}
/** Expands WebDataset's brace ranges: `train-{000..146}.tar` (zero padding kept) and `{a,b}` lists. */
export function expandShardPattern(pattern) {
    const m = /\{([^{}]*)\}/.exec(pattern);
    if (m === null)
        return [pattern];
    const [head, tail] = [pattern.slice(0, m.index), pattern.slice(m.index + m[0].length)];
    const range = /^(\d+)\.\.(\d+)$/.exec(m[1]);
    let items;
    if (range !== null) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (to < from || to - from > 1_000_000)
            throw new RangeError(`shard pattern '${pattern}': bad range ${m[1]}`);
        const width = range[1].length;
        items = Array.from({ length: to - from + 1 }, (_, k) => String(from + k).padStart(width, '0'));
    }
    else {
        items = m[1].split(',');
    }
    return items.flatMap((item) => expandShardPattern(head + item + tail));
}
//# sourceMappingURL=tar-shards.js.map