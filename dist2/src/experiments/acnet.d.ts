import '../recipes/acnet.js';
import { type TrainConfig } from '../train/config.js';
import type { ModelAgreement } from '../train/metrics.js';
import type { TrainHooks } from '../train/trainer.js';
import { type FormSummary } from './common.js';
export { ExperimentError, type FormSummary } from './common.js';
export interface AcnetExperimentResult {
    model: string;
    dataset: string;
    epochs: number;
    lastK: number;
    config: TrainConfig;
    base: FormSummary;
    acb: FormSummary;
    deploy: FormSummary & {
        agreement: ModelAgreement;
    };
}
export interface AcnetExperimentOptions {
    /** Recipe overrides; the default recipe is the acnet preset on top of the training defaults. */
    config?: Partial<TrainConfig>;
    /** Where the two run directories and results.{json,md} go. */
    dir: string;
    lastK?: number;
    /** Discard earlier runs in `dir` whose recipe differs, instead of refusing. */
    force?: boolean;
    hooks?: TrainHooks;
}
export declare function runAcnetExperiment(options: AcnetExperimentOptions): Promise<AcnetExperimentResult>;
export declare function formatAcnetResult(r: AcnetExperimentResult): string;
