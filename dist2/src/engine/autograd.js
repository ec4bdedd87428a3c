// Grad-mode scopes. libtorch's grad mode is a thread-local flag; these helpers restore it even on errors.
import { native } from './native.js';
// A mirror of this thread's flag, read without a native call (inference paths ask several times per layer). Every
// change goes through withGradMode, and native ops that switch it internally restore it before returning.
let gradEnabled = native.isGradEnabled();
export const isGradEnabled = () => gradEnabled;
function withGradMode(enabled, fn) {
    const previous = gradEnabled;
    native.setGradEnabled(enabled);
    gradEnabled = enabled;
    try {
        const result = fn();
        if (result instanceof Promise)
            throw new TypeError('grad-mode scopes take synchronous functions (the mode is global while they run)');
        return result;
    }
    finally {
        native.setGradEnabled(previous);
        gradEnabled = previous;
    }
}
/** Runs fn without recording an autograd graph (inference, optimizer updates). */
export const noGrad = (fn) => withGradMode(false, fn);
/** Runs fn with graph recording on, e.g. inside a noGrad scope. */
export const enableGrad = (fn) => withGradMode(true, fn);
//# sourceMappingURL=autograd.js.map