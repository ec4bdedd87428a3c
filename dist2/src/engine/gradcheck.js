// Finite-difference gradient checking (like torch.autograd.gradcheck), for float64 inputs.
import { noGrad } from './autograd.js';
import { tidy } from './scope.js';
import { randnLike } from './tensor.js';
/**
 * Compares the analytic gradient of sum(fn(inputs) * r), for a fixed random r, with central finite
 * differences, element by element, for every input that requires grad. Inputs should be float64.
 */
export function gradcheck(fn, inputs, options = {}) {
    const eps = options.eps ?? 1e-6;
    const atol = options.atol ?? 1e-5;
    const rtol = options.rtol ?? 1e-3;
    return tidy(() => {
        for (const x of inputs) {
            if (x.requiresGrad && x.dtype !== 'float64')
                throw new TypeError(`gradcheck needs float64 inputs, got ${x.dtype}`);
        }
        const projection = noGrad(() => randnLike(fn(...inputs)));
        const objective = () => tidy(() => noGrad(() => fn(...inputs).mul(projection).sum().item()));
        for (const x of inputs)
            x.grad = undefined;
        fn(...inputs).mul(projection).sum().backward();
        let maxAbsError = 0;
        let detail;
        let ok = true;
        inputs.forEach((x, which) => {
            if (!x.requiresGrad)
                return;
            const analytic = x.grad?.data() ?? new Float64Array(x.numel);
            const flat = x.detach().view([-1]); // shares storage with x: perturbs x in place
            const values = flat.data();
            for (let i = 0; i < values.length; i++) {
                const set = (v) => tidy(() => noGrad(() => { flat.narrow(0, i, 1).fill_(v); }));
                const original = values[i];
                set(original + eps);
                const plus = objective();
                set(original - eps);
                const minus = objective();
                set(original);
                const numeric = (plus - minus) / (2 * eps);
                const err = Math.abs(numeric - analytic[i]);
                if (err > maxAbsError)
                    maxAbsError = err;
                if (err > atol + rtol * Math.abs(numeric) && ok) {
                    ok = false;
                    detail = `input ${which}, element ${i}: analytic ${analytic[i]}, numeric ${numeric}`;
                }
            }
        });
        return { ok, maxAbsError, detail };
    });
}
//# sourceMappingURL=gradcheck.js.map