import { type ParseArgsConfig } from 'node:util';
export declare class UsageError extends Error {
    constructor(message: string);
}
/**
 * A command called without the arguments it needs: its usage text goes to stderr and the exit status is 2
 * (with --help, the same text goes to stdout with status 0).
 */
export declare class MissingArguments extends UsageError {
    readonly usage: string;
    constructor(usage: string);
}
/** Prints a command's usage for --help; throws MissingArguments otherwise. */
export declare function usage(help: unknown, text: string): void;
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export declare function parse(argv: string[], options: OptionSpec, command: string): {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
};
export declare function num(values: Record<string, unknown>, name: string, opts?: {
    integer?: boolean;
    min?: number;
}): number | undefined;
export declare function list(values: Record<string, unknown>, name: string): number[] | undefined;
/** --input as a size S (meaning [C, S, S] with the model's channels) or C,H,W (also CxHxW). */
export declare function inputShape(raw: string | undefined, defaultShape: readonly number[], inChannels?: number): [number, number, number];
