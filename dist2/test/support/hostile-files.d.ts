/** A pickle written opcode by opcode. */
export declare class PickleWriter {
    private readonly parts;
    op(...bytes: number[]): this;
    str(s: string): this;
    int(v: number): this;
    global(module: string, name: string): this;
    mark(): this;
    tuple(): this;
    intTuple(values: number[]): this;
    /** _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) for a float storage of `numel` elements. */
    tensor(key: string, numel: number, offset: number, size: number[], stride: number[]): this;
    stop(): Uint8Array;
}
/** A zip-format torch file: archive/data.pkl and the given storages (stored, as torch.save writes them). */
export declare function torchZip(pkl: Uint8Array, storages?: Record<string, Uint8Array>): Uint8Array;
/** A PNG signature and IHDR chunk for a width x height RGB image, followed by a bogus IDAT and IEND. */
export declare function pngHeader(width: number, height: number): Uint8Array;
export interface HostileCase {
    name: string;
    /** File name to write the bytes to. */
    file: string;
    bytes: Uint8Array;
    /** What the one-line error must say (after the file's name). */
    error: RegExp;
}
/** The torch.save-format cases for `leanconv import FILE -m resnet20`. */
export declare function torchFileCases(): HostileCase[];
