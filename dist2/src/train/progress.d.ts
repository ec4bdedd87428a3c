export interface ProgressFields {
    epoch: number;
    epochs: number;
    batch: number;
    batches: number;
    loss: number;
    acc: number;
    imagesPerSecond: number;
    lr: number;
    /** Seconds left in the whole run. */
    eta: number;
}
export declare function formatDuration(seconds: number): string;
export declare class Progress {
    private readonly stream;
    /** Seconds between plain lines when not on a terminal. */
    private readonly plainInterval;
    private readonly enabled;
    private lastLine;
    private drawn;
    constructor(stream?: NodeJS.WriteStream, 
    /** Seconds between plain lines when not on a terminal. */
    plainInterval?: number, enabled?: boolean);
    get isTTY(): boolean;
    update(f: ProgressFields): void;
    /** Ends the live line so that the next output starts on a fresh line. */
    done(): void;
    line(text: string): void;
}
