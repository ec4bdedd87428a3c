// `leanconv train --nproc N`: starts N worker processes of the same command, as torchrun does, with the
// environment c10d's rendezvous reads (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT). Across machines, the same command runs on each with --nnodes and its --node-rank.
// If one worker fails, the others are stopped and the launch fails naming it: no half-dead run waits
// for a collective that cannot complete.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { num, UsageError } from './args.js';
export const LAUNCH_OPTIONS = {
    nproc: { type: 'string' },
    nnodes: { type: 'string' },
    'node-rank': { type: 'string' },
    'master-addr': { type: 'string' },
    'master-port': { type: 'string' },
    'dist-timeout': { type: 'string' },
};
export const LAUNCH_HELP = `data-parallel (c10d, Gloo; --batch-size is the global batch, split over the processes):
      --nproc N            train with N worker processes on this machine (each gets cores/N threads)
      --nnodes M --node-rank R --master-addr HOST --master-port P
                           span M machines: run the same command on each, R = 0..M-1; HOST:P is node 0's
      --dist-timeout S     bound on the rendezvous and every collective (default 300 s)
      --sync-bn            BatchNorm with the global batch's statistics (SyncBatchNorm)`;
/** The launch the options ask for, or undefined for a plain single-process run. */
export function launchOptionsFrom(values) {
    const nproc = num(values, 'nproc', { integer: true, min: 1 });
    const nnodes = num(values, 'nnodes', { integer: true, min: 1 });
    const nodeRank = num(values, 'node-rank', { integer: true, min: 0 });
    const masterPort = num(values, 'master-port', { integer: true, min: 1 });
    const timeoutSeconds = num(values, 'dist-timeout', { min: 1 });
    const masterAddr = values['master-addr'];
    if (nproc === undefined && nnodes === undefined) {
        const stray = ['node-rank', 'master-addr', 'master-port', 'dist-timeout'].filter((k) => values[k] !== undefined);
        if (stray.length)
            throw new UsageError(`${stray.map((k) => `--${k}`).join(', ')} only apply with --nproc or --nnodes`);
        return undefined;
    }
    const nodes = nnodes ?? 1;
    if (masterPort !== undefined && masterPort > 65535)
        throw new UsageError(`--master-port must be in 1..65535, got ${masterPort}`);
    if ((nodeRank ?? 0) >= nodes)
        throw new UsageError(`--node-rank ${nodeRank} is out of range for --nnodes ${nodes} (0..${nodes - 1})`);
    if (nodes > 1 && (masterAddr === undefined || masterPort === undefined)) {
        throw new UsageError('--nnodes > 1 needs --master-addr and --master-port (node 0\'s address and a free port on it), the same on every node');
    }
    return { nproc: nproc ?? 1, nnodes: nodes, nodeRank: nodeRank ?? 0, masterAddr: masterAddr ?? '127.0.0.1', masterPort, timeoutSeconds };
}
/** argv without the launch options (what each worker runs). */
export function withoutLaunchOptions(argv) {
    const names = new Set(Object.keys(LAUNCH_OPTIONS).map((k) => `--${k}`));
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (names.has(arg))
            i++;
        else if (!names.has(arg.split('=')[0]))
            out.push(arg);
    }
    return out;
}
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}
const describeExit = (code, signal) => signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
/**
 * Runs `leanconv <command> <args>` in `nproc` workers of this node and waits for them. Resolves to
 * the exit code: 0 when every worker succeeded, else the first failure's (others are stopped).
 */
export async function launchWorkers(command, args, options, log) {
    const port = options.masterPort ?? (await freePort());
    const worldSize = options.nnodes * options.nproc;
    const cli = fileURLToPath(new URL('./main.js', import.meta.url));
    const threads = process.env.LEANCONV_THREADS || String(Math.max(1, Math.floor(availableParallelism() / options.nproc)));
    const workers = [];
    for (let local = 0; local < options.nproc; local++) {
        const rank = options.nodeRank * options.nproc + local;
        workers.push(spawn(process.execPath, [...process.execArgv, cli, command, ...args], {
            stdio: 'inherit',
            env: {
                ...process.env, RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: String(worldSize), LOCAL_WORLD_SIZE: String(options.nproc),
                MASTER_ADDR: options.masterAddr, MASTER_PORT: String(port), LEANCONV_THREADS: threads,
                ...(options.timeoutSeconds !== undefined ? { LEANCONV_DIST_TIMEOUT: String(options.timeoutSeconds) } : {}),
            },
        }));
    }
    const ranks = workers.map((w, local) => `rank ${options.nodeRank * options.nproc + local}: pid ${w.pid}`).join(', ');
    log(`leanconv: ${worldSize} workers (${options.nnodes > 1 ? `node ${options.nodeRank} of ${options.nnodes}, ` : ''}rendezvous ${options.masterAddr}:${port}, ${threads} threads each; ${ranks})`);
    // Every failed worker, in the order the launcher saw them exit. A worker killed by a signal is the likely
    // cause (the others then fail on the lost connection), so it is the one named.
    const failures = [];
    let interrupted;
    const stopOthers = () => {
        for (const w of workers)
            if (w.exitCode === null && w.signalCode === null)
                w.kill('SIGTERM');
        setTimeout(() => { for (const w of workers)
            if (w.exitCode === null && w.signalCode === null)
                w.kill('SIGKILL'); }, 10_000).unref();
    };
    const forward = (signal) => {
        interrupted ??= signal;
        stopOthers();
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    try {
        await Promise.all(workers.map((w, local) => new Promise((resolve) => {
            w.once('exit', (code, signal) => {
                if (code !== 0 || signal !== null) {
                    if (failures.length === 0 && interrupted === undefined)
                        stopOthers();
                    failures.push({ rank: options.nodeRank * options.nproc + local, pid: w.pid, code, signal });
                }
                resolve();
            });
        })));
    }
    finally {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
    }
    if (interrupted !== undefined) {
        log(`leanconv: interrupted (${interrupted}); the workers were stopped`);
        return 130;
    }
    const cause = failures.find((f) => f.signal !== null && f.signal !== 'SIGTERM') ?? failures[0];
    if (cause === undefined)
        return 0;
    log(`leanconv: rank ${cause.rank} (pid ${cause.pid}) ${describeExit(cause.code, cause.signal)}; the other workers were stopped`);
    return cause.code === null || cause.code === 0 ? 1 : cause.code;
}
//# sourceMappingURL=launch.js.map