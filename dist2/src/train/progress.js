export function formatDuration(seconds) {
    if (!Number.isFinite(seconds))
        return '?';
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
export class Progress {
    stream;
    plainInterval;
    enabled;
    lastLine = 0;
    drawn = false;
    constructor(stream = process.stderr, 
    /** Seconds between plain lines when not on a terminal. */
    plainInterval = 15, enabled = true) {
        this.stream = stream;
        this.plainInterval = plainInterval;
        this.enabled = enabled;
    }
    get isTTY() {
        return Boolean(this.stream.isTTY);
    }
    update(f) {
        if (!this.enabled)
            return;
        const stats = `loss ${f.loss.toFixed(4)}  acc ${(100 * f.acc).toFixed(2)}%  ${Math.round(f.imagesPerSecond)} img/s  lr ${f.lr.toPrecision(3)}  ETA ${formatDuration(f.eta)}`;
        if (this.isTTY) {
            const width = 24;
            const filled = Math.round((width * f.batch) / f.batches);
            const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
            const line = `epoch ${f.epoch}/${f.epochs} ${bar} ${f.batch}/${f.batches}  ${stats}`;
            const columns = this.stream.columns ?? 120;
            this.stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
            this.drawn = true;
            return;
        }
        const now = performance.now();
        if (now - this.lastLine >= this.plainInterval * 1000 || f.batch === f.batches) {
            this.lastLine = now;
            this.stream.write(`epoch ${f.epoch}/${f.epochs} batch ${f.batch}/${f.batches}  ${stats}\n`);
        }
    }
    /** Ends the live line so that the next output starts on a fresh line. */
    done() {
        if (this.drawn)
            this.stream.write('\n');
        this.drawn = false;
    }
    line(text) {
        if (!this.enabled)
            return;
        this.done();
        this.stream.write(`${text}\n`);
    }
}
//# sourceMappingURL=progress.js.map