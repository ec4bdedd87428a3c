import type { AcbGamma } from '../blocks/acb.js';
import { type ModelForm } from '../convert/form.js';
import { type ModelArgs } from '../models/registry.js';
import type { MemoryFormatChoice } from '../nn/module.js';
import type { CheckpointMeta } from '../convert/checkpoint.js';
import { type CheckpointEvalSplit } from '../train/eval-split.js';
import { type OptionSpec } from './args.js';
export declare const out: (s: string) => void;
/** Command results as JSON, fractions and timings rounded to 6 significant digits. */
export declare const printJson: (v: unknown) => void;
export declare const HELP: OptionSpec;
export declare const MODEL_SHAPE_OPTIONS: OptionSpec;
export declare const MODEL_ARGS_HELP = "  --model-args A   architecture of a configurable model, e.g. stages=4-4-4,growth=8-16-32,condenseFactor=4\n                   (leanconv models <name> --args lists what a model takes)";
/** The --model-args value, parsed. */
export declare function modelArgsFrom(values: Record<string, unknown>): ModelArgs | undefined;
/** --acb / --acb-gamma / --deploy: which form of a registered model to build. */
export declare const FORM_OPTIONS: OptionSpec;
export declare const FORM_HELP = "model form:\n  --acb            the ACNet training form (every 3x3/5x5 conv an Asymmetric Convolution Block)\n  --acb-gamma G    initial BN gamma of its branches: 1 (default), 1/3, any number, square\n  --deploy         the deploy form: ACBs fused (with --acb), learned group convs condensed (CondenseNet)";
export declare function formFrom(values: Record<string, unknown>): ModelForm;
/** --memory-format auto|nchw|channels-last (or the --channels-last shorthand), if given. */
export declare function memoryFormatFrom(values: Record<string, unknown>): MemoryFormatChoice | undefined;
/** The --acb-gamma value, if given. */
export declare function acbGammaFrom(values: Record<string, unknown>): AcbGamma | undefined;
/** The checkpoint's test split with its preprocessing; --dataset and --data-dir override what it records. */
export declare function checkpointEvalSplitFrom(path: string, meta: CheckpointMeta, values: Record<string, unknown>): CheckpointEvalSplit;
/** --mean m1,m2,m3 --std s1,s2,s3: a normalisation that replaces the recorded one. */
export declare function normalizeFrom(values: Record<string, unknown>): {
    mean: number[];
    std: number[];
} | undefined;
/** A checkpoint path, or a run directory (its last.safetensors, as --resume takes it). */
export declare function checkpointArgument(target: string): string;
