import { Client } from 'pg';
import { CHANGES_CHANNEL, type Change } from '@/lib/changes';

// The LISTEN side of change propagation between instances: one dedicated connection (a pooled one
// would be handed to other queries), reconnected with exponential backoff when it drops. A lost
// connection means lost notifications, so the owner of the caches is told about every
// disconnect and reconnect and treats memory as untrustworthy in between.

export interface ChangeListenerOptions {
  connectionString: string;
  /** Called with the changes of each notification. */
  onChanges: (changes: Change[]) => void;
  /** Connected (and listening) or not; on every reconnect, earlier notifications may be missing. */
  onConnectionChange: (connected: boolean) => void;
  /** A notification that cannot be read: whatever it said is unknown. */
  onUnreadable?: () => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the connection is checked with a query, to notice a silently dead peer. */
  pingIntervalMs?: number;
  log?: (message: string) => void;
}

const PUBLIC_ID = /^[A-Z0-9]{24}$/;

/** The changes of a NOTIFY payload, or null when it is not a JSON array of Change. */
export function parseChanges(payload: string | undefined): Change[] | null {
  if (!payload) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const changes: Change[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const c = item as Record<string, unknown>;
    if (c.kind === 'token' && typeof c.publicId === 'string' && PUBLIC_ID.test(c.publicId)) {
      changes.push({ kind: 'token', publicId: c.publicId });
    } else if (c.kind === 'account' && typeof c.accountId === 'string') {
      changes.push({ kind: 'account', accountId: c.accountId });
    } else if (c.kind === 'environment' && typeof c.accountId === 'string' && typeof c.environmentId === 'string') {
      changes.push({ kind: 'environment', accountId: c.accountId, environmentId: c.environmentId });
    } else {
      return null;
    }
  }
  return changes;
}

export class ChangeListener {
  private client: Client | null = null;
  private stopped = false;
  private connected = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: ChangeListenerOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    this.setConnected(false);
    this.stopPing();
    await client?.end().catch(() => undefined);
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.warn(`[changes] ${m}`)))(message);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onConnectionChange(connected);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.connectionString, keepAlive: true });
    this.client = client;
    let failed = false;
    const fail = (reason: string) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      this.stopPing();
      this.setConnected(false);
      client.end().catch(() => undefined);
      if (!this.stopped) {
        this.log(`listener lost (${reason}); reconnecting`);
        this.scheduleReconnect();
      }
    };
    client.on('error', (error) => fail(error.message));
    client.on('end', () => fail('connection ended'));
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL) return;
      const changes = parseChanges(message.payload);
      if (changes) this.options.onChanges(changes);
      else this.options.onUnreadable?.();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(CHANGES_CHANNEL)}`);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped || failed) return;
    this.attempt = 0;
    this.setConnected(true);
    this.startPing(client, fail);
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 200;
    const max = this.options.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private startPing(client: Client, fail: (reason: string) => void): void {
    const every = this.options.pingIntervalMs ?? 15_000;
    this.pingTimer = setInterval(() => {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ping timed out')), 5_000).unref?.());
      Promise.race([client.query('select 1'), timeout]).catch((error: unknown) =>
        fail(error instanceof Error ? error.message : String(error)),
      );
    }, every);
    this.pingTimer.unref?.();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
