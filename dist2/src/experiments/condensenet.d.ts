import '../recipes/condensenet.js';
import { type TrainConfig } from '../train/config.js';
import { type ModelAgreement } from '../train/metrics.js';
import type { TrainHooks } from '../train/trainer.js';
import { type FormSummary } from './common.js';
export interface CondenseFormSummary extends FormSummary {
    /** FLOPs in the CondenseNet convention (measure_model). */
    flops?: number;
    /** Inference images/s (libtorch, batch `throughputBatch`). */
    inferImagesPerSecond?: number;
}
export interface CondenseNetExperimentResult {
    model: string;
    baselineModel: string;
    baselineArgs?: TrainConfig['modelArgs'];
    dataset: string;
    epochs: number;
    lastK: number;
    config: TrainConfig;
    baseline: CondenseFormSummary;
    training: CondenseFormSummary;
    /** The training form counting only unmasked 1x1 weights (what condensation leaves). */
    masked: CondenseFormSummary;
    converted: CondenseFormSummary & {
        /** Converted vs training form over the test set (the classifier prune changes the logits). */
        agreement: ModelAgreement;
        /** Max |logit difference| on the first test batch with only the learned group convs condensed (exact). */
        exactMaxAbsDiff: number;
    };
    throughputBatch: number;
}
export interface CondenseNetExperimentOptions {
    /** The recipe and the CondenseNet model (default condensenet86), on top of the condensenet preset. */
    config?: Partial<TrainConfig>;
    /** The baseline model and its args (default densenet_bc_100, DenseNet-BC-100 k=12). */
    baseline?: {
        model: string;
        modelArgs?: TrainConfig['modelArgs'];
    };
    dir: string;
    lastK?: number;
    force?: boolean;
    hooks?: TrainHooks;
    /** Batch size of the inference throughput measurement (default 64). */
    throughputBatch?: number;
}
export declare function runCondenseNetExperiment(options: CondenseNetExperimentOptions): Promise<CondenseNetExperimentResult>;
export declare function formatCondenseNetResult(r: CondenseNetExperimentResult): string;
