export declare class ServerSettingsError extends Error {}

/** PORT, BIND_ADDRESS and TRUST_PROXY of the production HTTP server, checked. */
export declare function serverSettings(env: Record<string, string | undefined>): {
  port: number;
  bindAddress: string;
  trustProxy: boolean;
};
