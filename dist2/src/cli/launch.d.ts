import { type OptionSpec } from './args.js';
export declare const LAUNCH_OPTIONS: OptionSpec;
export declare const LAUNCH_HELP = "data-parallel (c10d, Gloo; --batch-size is the global batch, split over the processes):\n      --nproc N            train with N worker processes on this machine (each gets cores/N threads)\n      --nnodes M --node-rank R --master-addr HOST --master-port P\n                           span M machines: run the same command on each, R = 0..M-1; HOST:P is node 0's\n      --dist-timeout S     bound on the rendezvous and every collective (default 300 s)\n      --sync-bn            BatchNorm with the global batch's statistics (SyncBatchNorm)";
export interface LaunchOptions {
    nproc: number;
    nnodes: number;
    nodeRank: number;
    masterAddr: string;
    masterPort?: number;
    timeoutSeconds?: number;
}
/** The launch the options ask for, or undefined for a plain single-process run. */
export declare function launchOptionsFrom(values: Record<string, unknown>): LaunchOptions | undefined;
/** argv without the launch options (what each worker runs). */
export declare function withoutLaunchOptions(argv: readonly string[]): string[];
/**
 * Runs `leanconv <command> <args>` in `nproc` workers of this node and waits for them. Resolves to
 * the exit code: 0 when every worker succeeded, else the first failure's (others are stopped).
 */
export declare function launchWorkers(command: string, args: readonly string[], options: LaunchOptions, log: (line: string) => void): Promise<number>;
