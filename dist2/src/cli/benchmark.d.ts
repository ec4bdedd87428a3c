export declare function cmdBenchmark(argv: string[]): void;
