export declare function cmdReport(argv: string[]): Promise<void>;
