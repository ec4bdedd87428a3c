export declare function cmdEval(argv: string[]): Promise<void>;
