import { type TopLevelSpec } from 'vega-lite';
/** Renders a Vega-Lite specification to an SVG document. */
export declare function renderSvg(spec: TopLevelSpec): Promise<string>;
export interface EpochPoint {
    run: string;
    epoch: number;
    /** 'train' or 'test' for loss and accuracy curves. */
    split?: string;
    value: number;
}
/** One line per run (and per split, dashed for train): a metric against the epoch. */
export declare function curveSpec(title: string, yTitle: string, points: EpochPoint[], options?: {
    percent?: boolean;
    logScale?: boolean;
}): TopLevelSpec;
/** Confusion matrix as a heat map with counts, true classes down, predicted across. */
export declare function confusionSpec(title: string, classes: string[], matrix: number[][]): TopLevelSpec;
/** Per-class accuracy as horizontal bars. */
export declare function perClassSpec(title: string, classes: string[], accuracy: number[]): TopLevelSpec;
