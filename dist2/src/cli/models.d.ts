export declare function cmdModels(argv: string[]): void;
/**
 * The model a command's positional names: a checkpoint (its recorded model, form and input shape) or a
 * registry name built with --acb/--deploy/--num-classes/--in-channels/--input.
 */
