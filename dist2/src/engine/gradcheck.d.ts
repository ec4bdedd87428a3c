import { Tensor } from './tensor.js';
export interface GradcheckOptions {
    eps?: number;
    atol?: number;
    rtol?: number;
}
export interface GradcheckResult {
    ok: boolean;
    /** Largest |analytic - numeric| over all checked elements. */
    maxAbsError: number;
    /** Human-readable description of the worst element when not ok. */
    detail?: string;
}
/**
 * Compares the analytic gradient of sum(fn(inputs) * r), for a fixed random r, with central finite
 * differences, element by element, for every input that requires grad. Inputs should be float64.
 */
export declare function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options?: GradcheckOptions): GradcheckResult;
