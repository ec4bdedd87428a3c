export declare function cmdServe(argv: string[]): Promise<void>;
