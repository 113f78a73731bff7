import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (request: Request) => Promise<Response>;

/** The platform API's handler when the server answers this request itself, else null. */
export declare function platformApiFor(req: IncomingMessage): Handler | null;

/** Answers the request with the handler; never rejects. */
export declare function servePlatformApi(handler: Handler, req: IncomingMessage, res: ServerResponse): void;

/** Drops client-sent forwarding headers (X-Forwarded-*, X-Real-IP, Forwarded) from req.headers. */
export declare function dropClientForwarding(req: IncomingMessage): void;
