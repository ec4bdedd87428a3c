export declare function cmdRobustness(argv: string[]): Promise<void>;
