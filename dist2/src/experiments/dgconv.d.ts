import { type TrainConfig } from '../train/config.js';
import type { ModelAgreement } from '../train/metrics.js';
import type { TrainHooks } from '../train/trainer.js';
import { type FormSummary } from './common.js';
export interface DGConvFormSummary extends FormSummary {
    /** Inference images/s (libtorch, batch `throughputBatch`). */
    inferImagesPerSecond?: number;
}
export interface DGConvExperimentResult {
    dataset: string;
    epochs: number;
    lastK: number;
    config: TrainConfig;
    /** Groups of the fixed-group model; the DGConv budget is Σ C²/groups. */
    groups: number;
    dense: DGConvFormSummary;
    fixed: DGConvFormSummary;
    /** The G-ResNeXt in its training form (masked dense 3x3s). */
    dgconv: DGConvFormSummary & {
        /** Learned group count per DGConv layer, by path. */
        learnedGroups: Record<string, number>;
        /** ΣR at the end of training and the budget. */
        connections: number;
        budget: number;
    };
    /** Its deploy form (group convs), compared with the training form on the test set. */
    deployed: DGConvFormSummary & {
        agreement: ModelAgreement;
    };
    throughputBatch: number;
}
export interface DGConvExperimentOptions {
    /** The recipe (DEFAULT_CONFIG underneath); modelArgs (width, blocks) apply to all three models. */
    config?: Partial<TrainConfig>;
    /** The fixed group count and the budget divisor (default 4). */
    groups?: number;
    dir: string;
    lastK?: number;
    force?: boolean;
    hooks?: TrainHooks;
    /** Batch size of the inference throughput measurement (default 64). */
    throughputBatch?: number;
}
export declare function runDGConvExperiment(options: DGConvExperimentOptions): Promise<DGConvExperimentResult>;
export declare function formatDGConvResult(r: DGConvExperimentResult): string;
