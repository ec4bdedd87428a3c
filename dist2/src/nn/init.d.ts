import { Tensor } from '../engine/tensor.js';
export type FanMode = 'fan_in' | 'fan_out';
export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';
/** fan_in = in-channels x kernel elements; fan_out = out-channels x kernel elements (as PyTorch). */
export declare function fans(t: Tensor): {
    fanIn: number;
    fanOut: number;
};
/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export declare function gain(nonlinearity: Nonlinearity, negativeSlope?: number): number;
export interface KaimingOptions {
    /** Negative slope of the leaky ReLU that follows (0 for ReLU). */
    a?: number;
    mode?: FanMode;
    nonlinearity?: Nonlinearity;
}
export declare const kaimingNormal_: (t: Tensor, options?: KaimingOptions) => Tensor;
export declare function kaimingUniform_(t: Tensor, options?: KaimingOptions): Tensor;
export declare function xavierUniform_(t: Tensor, gainValue?: number): Tensor;
export declare const normal_: (t: Tensor, mean?: number, std?: number) => Tensor;
export declare const uniform_: (t: Tensor, low?: number, high?: number) => Tensor;
export declare const constant_: (t: Tensor, value: number) => Tensor;
export declare const zeros_: (t: Tensor) => Tensor;
export declare const ones_: (t: Tensor) => Tensor;
/**
 * PyTorch's default for Conv and Linear: weight kaiming-uniform with a = sqrt(5) (bound 1/sqrt(fan_in)),
 * bias uniform in +-1/sqrt(fan_in).
 */
export declare function pytorchDefault_(weight: Tensor, bias?: Tensor): void;
