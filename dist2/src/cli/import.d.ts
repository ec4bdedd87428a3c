export declare function cmdImport(argv: string[]): Promise<void>;
