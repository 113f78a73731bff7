import { openApiDocument } from '@/lib/platform/openapi';
import { IMPLEMENTED_ENDPOINTS } from '@/lib/platform/services';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document of the platform API; public, like the API explorer's catalogue. */
export function GET() {
  return Response.json(openApiDocument(IMPLEMENTED_ENDPOINTS), { headers: { 'Cache-Control': 'no-store' } });
}
