// Grad-mode scopes. libtorch's grad mode is a thread-local flag; these helpers restore it even on errors.
import { native } from './native.js';

export const isGradEnabled = (): boolean => native.isGradEnabled();

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = native.isGradEnabled();
  native.setGradEnabled(enabled);
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('grad-mode scopes take synchronous functions (the mode is global while they run)');
    return result;
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn without recording an autograd graph (inference, optimizer updates). */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);
/** Runs fn with graph recording on, e.g. inside a noGrad scope. */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, fn);
