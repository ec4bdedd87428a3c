/** Reads a pickle of the Python CIFAR layout with only the globals above allowed. */
export declare function unpickleCifar(path: string): Map<unknown, unknown>;
/** Images [N, 3072] and labels of one Python-layout CIFAR file (`labelKey`: labels or fine_labels). */
export declare function readCifarPythonBatch(path: string, labelKey: 'labels' | 'fine_labels'): {
    images: Uint8Array;
    labels: number[];
};
/** The class names a meta file lists (label_names, or fine_label_names for CIFAR-100). */
export declare function readCifarPythonClassNames(path: string, key: 'label_names' | 'fine_label_names'): string[] | undefined;
