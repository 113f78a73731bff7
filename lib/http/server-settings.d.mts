export declare class ServerSettingsError extends Error {}

/** PORT, BIND_ADDRESS and TRUST_PROXY of the production HTTP server, checked. */
export declare function serverSettings(env: Record<string, string | undefined>): {
  port: number;
  bindAddress: string;
  trustProxy: boolean;
};

/** NODE_OPTIONS for the production HTTP server's process: the operator's own, with the app's young-generation size unless they set one. */
export declare function serverNodeOptions(nodeOptions: string | undefined): string;
