// Atomic file writes: the data goes to a temporary file beside the target, is flushed to disk, and is
// renamed over the target, so a crash leaves either the old file or the new one, never half of one.
// The temporary name is unique per write (two writers never share one), and a failed write removes it.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
export class FileWriteError extends Error {
    path;
    constructor(path, reason, options) {
        super(`cannot write ${path}: ${reason}`, options);
        this.path = path;
        this.name = 'FileWriteError';
    }
}
/** Fails early, with the reason, when `path` cannot be written (missing directory, or a directory itself). */
export function checkWritableTarget(path) {
    const dir = dirname(path);
    if (!existsSync(dir))
        throw new FileWriteError(path, `the directory ${dir} does not exist`);
    if (!statSync(dir).isDirectory())
        throw new FileWriteError(path, `${dir} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory())
        throw new FileWriteError(path, 'it is a directory');
}
/**
 * Writes `data` (bytes, a string, or a function that writes chunks) to `path` atomically. On any
 * failure the previous file at `path` is left as it was and the temporary file is removed.
 */
export function writeFileAtomic(path, data) {
    checkWritableTarget(path);
    const dir = dirname(path);
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fd;
    try {
        fd = openSync(tmp, 'wx');
    }
    catch (err) {
        throw new FileWriteError(path, err.code === 'EACCES' ? `no permission to write in ${dir}` : err.message, { cause: err });
    }
    let open = true;
    try {
        const write = (chunk) => {
            for (let off = 0; off < chunk.length;)
                off += writeSync(fd, chunk, off, chunk.length - off);
        };
        if (typeof data === 'function')
            data(write);
        else
            write(typeof data === 'string' ? Buffer.from(data) : data);
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        renameSync(tmp, path);
    }
    catch (err) {
        if (open)
            closeSync(fd);
        rmSync(tmp, { force: true });
        if (err instanceof FileWriteError)
            throw err;
        const e = err;
        const reason = e.code === 'ENOSPC' ? 'no space left on device' : e.code === 'EROFS' ? 'read-only file system' : e.code === 'EDQUOT' ? 'disk quota exceeded' : e.message;
        throw new FileWriteError(path, `${reason}; ${existsSync(path) ? `the previous ${basename(path)} is intact` : 'nothing was written'}`, { cause: err });
    }
}
//# sourceMappingURL=fs.js.map