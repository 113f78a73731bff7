import { config } from '@/lib/config';
import { getDb } from '@/lib/db';
import { processSingleton } from '@/lib/singleton';
import { startTokenLifecycleJob } from './lifecycle-job';

/**
 * Starts this process's token lifecycle job, once. Every instance runs one; they share the work
 * through the database (lifecycle-job.ts). Links in its emails use AUTH_URL, or this server's
 * own address when that is not set.
 */
export function startLifecycleInProcess(): void {
  processSingleton('token-lifecycle', () => {
    const settings = config();
    const host = settings.bindAddress === '0.0.0.0' || settings.bindAddress === '::' ? 'localhost' : settings.bindAddress;
    const origin = settings.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${settings.port}`;
    return startTokenLifecycleJob({ getDb, intervalMs: settings.lifecycleIntervalMs, origin: () => origin });
  });
}
