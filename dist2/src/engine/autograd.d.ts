export declare const isGradEnabled: () => boolean;
/** Runs fn without recording an autograd graph (inference, optimizer updates). */
export declare const noGrad: <T>(fn: () => T) => T;
/** Runs fn with graph recording on, e.g. inside a noGrad scope. */
export declare const enableGrad: <T>(fn: () => T) => T;
