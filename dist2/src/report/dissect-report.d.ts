import type { DissectResult } from '../analysis/dissect.js';
/** Detectors (units with IoU over the threshold) per category, and distinct concepts among them. */
export declare function detectorsByCategory(result: DissectResult): {
    category: string;
    detectors: number;
    unique: number;
}[];
/** An SVG bar chart of the detectors per category (NetDissect-Lite's summary chart). */
export declare function detectorChartSvg(result: DissectResult): string;
/**
 * Writes index.html and detectors.svg / detectors.png into `outDir` (where the unit_NNNN.png strips are, if they were
 * written). `title` names the model and checkpoint.
 */
export declare function writeDissectReport(outDir: string, result: DissectResult, title: string): Promise<{
    html: string;
    chart: string;
}>;
