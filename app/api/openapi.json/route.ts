import { openApiDocument } from '@/lib/platform/openapi';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document of the platform API; public, like the API explorer's catalogue. */
export function GET() {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'no-store' } });
}
