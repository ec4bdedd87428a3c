import '../experiments/index.js';
export declare function cmdExperiment(argv: string[]): Promise<void>;
