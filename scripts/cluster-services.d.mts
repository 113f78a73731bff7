/** A TCP port of 127.0.0.1 that is free now. */
export declare function freePort(): Promise<number>;

/** The program's path, looked up in PATH and in the sbin folders; null when it is not installed. */
export declare function findProgram(name: string): string | null;

/** deploy/<name> with every {{NAME}} replaced; a placeholder without a value is an error. */
export declare function renderTemplate(name: string, values: Record<string, string | number>): string;

export interface PgBouncer {
  port: number;
  dir: string;
  /** The configuration file it runs with. */
  config: string;
  /** The URL of one of the server's databases through PgBouncer. */
  url(database: string): string;
  stop(): Promise<void>;
}

/** PgBouncer in transaction mode in front of the server of `serverUrl`. */
export declare function startPgBouncer(options: { serverUrl: string }): Promise<PgBouncer>;

export interface Nginx {
  port: number;
  dir: string;
  config: string;
  /** The access log's lines so far: client, request, status, upstream address, upstream status, time. */
  accessLog(): string[];
  stop(): Promise<void>;
}

/** nginx on a free port, round-robin over the instances on these ports. */
export declare function startNginx(options: { upstreams: number[] }): Promise<Nginx>;
