import { config } from '@/lib/config';
import type { Db } from '@/lib/db';
import { issueSetupCode } from './setup';

/**
 * At start on a database without any user: prints where to go and the setup code. The log is the
 * one place the code appears; the database keeps only its hash.
 */
export async function announceSetupCode(db: Db, log: (line: string) => void = console.log): Promise<void> {
  const code = await issueSetupCode(db);
  if (!code) return;
  const settings = config();
  const address = settings.publicUrl ?? `http://localhost:${settings.port}`;
  log(`[setup] Nobody has set this portal up yet. Open ${address}/setup and enter the setup code ${code} (valid for 24 hours; a restart prints a new one).`);
}
