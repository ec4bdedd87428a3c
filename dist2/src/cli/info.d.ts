export declare function cmdInfo(argv: string[]): void;
