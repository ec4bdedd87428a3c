import { type Server } from 'node:http';
export declare class ServeError extends Error {
    constructor(message: string);
}
/** The model file a `serve` argument names: an .onnx file, or a run directory's model.onnx. */
export declare function modelFileOf(target: string): string;
export interface ServeOptions {
    host?: string;
    /** 0 picks a free port. */
    port?: number;
    /** Where warnings about the model's metadata go (default: stderr). */
    warn?: (line: string) => void;
}
export interface RunningServer {
    url: string;
    server: Server;
    close(): Promise<void>;
}
/**
 * Whether a request's Host header names this server: an IP literal, 'localhost', or the name it was bound to.
 * Any other name is refused, as dev servers do, so that a page on another site cannot reach the model
 * through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1).
 */
export declare function isAllowedHost(header: string | undefined, boundHost: string): boolean;
/** Starts the page's server for one model; resolves once it listens. */
export declare function serveModel(target: string, options?: ServeOptions): Promise<RunningServer>;
