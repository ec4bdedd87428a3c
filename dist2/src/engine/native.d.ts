/** An opaque reference to one native at::Tensor (a napi external). */
export type NativeHandle = {
    readonly __nativeTensorHandle: unique symbol;
};
export type NativeAddon = Record<string, any> & {
    dtypeCodes: Record<string, number>;
};
export declare const native: NativeAddon;
