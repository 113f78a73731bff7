export declare const COMMON_HEADERS: ReadonlyArray<{ key: string; value: string }>;
export declare const API_POLICY: { key: string; value: string };
