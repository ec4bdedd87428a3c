export declare function cmdConvert(argv: string[]): void;
export declare function cmdExport(argv: string[]): Promise<void>;
export declare function cmdPredict(argv: string[]): Promise<void>;
