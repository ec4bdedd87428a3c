export declare function cmdTrain(argv: string[]): Promise<void>;
