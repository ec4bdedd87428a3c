import { type Tensor } from '../engine/tensor.js';
import { BatchNorm1d, BatchNorm2d } from './layers.js';
import type { Module } from './module.js';
export declare class SyncBatchNorm2d extends BatchNorm2d {
    protected normalize(x: Tensor, relu: boolean): Tensor;
}
export declare class SyncBatchNorm1d extends BatchNorm1d {
    protected normalize(x: Tensor, relu: boolean): Tensor;
}
/**
 * Replaces every BatchNorm1d/2d of the model by its synchronized form, keeping its values and names
 * (torch's convert_sync_batchnorm). Returns how many were replaced. Do it before creating the optimizer.
 */
export declare function convertSyncBatchNorm(model: Module): number;
