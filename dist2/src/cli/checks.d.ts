export declare function cmdChecks(argv: string[]): void;
