import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers: answers without touching the database. */
export function GET() {
  return NextResponse.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
