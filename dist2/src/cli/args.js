// Argument parsing for the leanconv commands: node's parseArgs plus friendly errors that suggest the
// closest valid option, and typed accessors that name the option when a value is malformed.
import { parseArgs } from 'node:util';
import { closest } from '../util/suggest.js';
export class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
/**
 * A command called without the arguments it needs: its usage text goes to stderr and the exit status is 2
 * (with --help, the same text goes to stdout with status 0).
 */
export class MissingArguments extends UsageError {
    usage;
    constructor(usage) {
        super(usage);
        this.usage = usage;
        this.name = 'MissingArguments';
    }
}
/** Prints a command's usage for --help; throws MissingArguments otherwise. */
export function usage(help, text) {
    if (!help)
        throw new MissingArguments(text);
    process.stdout.write(`${text}\n`);
}
/**
 * `--lr -1` would read as an option '-1' to node's parser: join a value that looks like a negative
 * number to its string option (`--lr=-1`), so the value reaches the option's own check.
 */
function joinNegativeValues(argv, options) {
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const next = argv[i + 1];
        const long = arg.startsWith('--') ? arg.slice(2) : Object.entries(options).find(([, o]) => arg === `-${o.short}`)?.[0];
        if (long !== undefined && options[long]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
            out.push(`--${long}=${next}`);
            i++;
        }
        else {
            out.push(arg);
        }
    }
    return out;
}
export function parse(argv, options, command) {
    try {
        const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
        return { values: values, positionals };
    }
    catch (err) {
        const e = err;
        if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
            const name = /'(-{1,2}[^']+)'/.exec(e.message)?.[1] ?? '';
            const near = closest(name.replace(/^-+/, ''), Object.keys(options)).map((o) => `--${o}`);
            throw new UsageError(`unknown option '${name}'${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see leanconv ${command} --help)`);
        }
        throw new UsageError(e.message);
    }
}
export function num(values, name, opts = {}) {
    const raw = values[name];
    if (raw === undefined)
        return undefined;
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min)) {
        const kind = opts.integer ? 'an integer' : 'a number';
        throw new UsageError(`--${name} must be ${kind}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got '${String(raw)}'`);
    }
    return v;
}
export function list(values, name) {
    const raw = values[name];
    if (raw === undefined)
        return undefined;
    const parts = String(raw).split(',').map((s) => Number(s.trim()));
    if (parts.some((v) => !Number.isFinite(v)))
        throw new UsageError(`--${name} must be a comma-separated list of numbers, got '${String(raw)}'`);
    return parts;
}
/** --input as a size S (meaning [C, S, S] with the model's channels) or C,H,W (also CxHxW). */
export function inputShape(raw, defaultShape, inChannels) {
    const c0 = inChannels ?? defaultShape[0];
    if (raw === undefined)
        return [c0, defaultShape[1], defaultShape[2]];
    const parts = raw.split(/[,x]/).map(Number);
    if (parts.some((v) => !Number.isInteger(v) || v < 1) || (parts.length !== 1 && parts.length !== 3)) {
        throw new UsageError(`--input must be a size (32) or C,H,W (3,32,32 or 3x32x32), got '${raw}'`);
    }
    if (parts.length === 3 && inChannels !== undefined && parts[0] !== inChannels) {
        throw new UsageError(`--input ${raw} has ${parts[0]} channels but --in-channels says ${inChannels}: give one of them, or make them agree`);
    }
    return parts.length === 1 ? [c0, parts[0], parts[0]] : [parts[0], parts[1], parts[2]];
}
//# sourceMappingURL=args.js.map