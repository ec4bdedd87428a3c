export declare function packageRoot(): string;
