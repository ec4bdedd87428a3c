// Where the leanconv package is installed: the first directory holding a package.json above this module
// (the checkout, or node_modules/leanconv). The addon, the served web page and onnxruntime-web are found from it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
let root;
export function packageRoot() {
    if (root !== undefined)
        return root;
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json'))) {
        const parent = dirname(dir);
        if (parent === dir)
            throw new Error('leanconv: cannot locate the package root (no package.json above its modules)');
        dir = parent;
    }
    return (root = dir);
}
//# sourceMappingURL=package-root.js.map