export declare function cmdDissect(argv: string[]): Promise<void>;
