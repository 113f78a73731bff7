import { NextResponse } from 'next/server';
import { getDatabase } from '@/lib/db';
import { readinessCheck } from './readiness';

export const dynamic = 'force-dynamic';

const readiness = readinessCheck(getDatabase);

/**
 * Readiness for load balancers: 200 once the database is migrated and answers, 503 with the reason
 * until then. Liveness, which never touches the database, is /api/health/live.
 */
export async function GET() {
  const result = await readiness();
  const headers = { 'Cache-Control': 'no-store' };
  if (result.ready) return NextResponse.json({ status: 'ok' }, { headers });
  return NextResponse.json({ status: 'unavailable', reason: result.reason }, { status: 503, headers: { ...headers, 'Retry-After': '5' } });
}
