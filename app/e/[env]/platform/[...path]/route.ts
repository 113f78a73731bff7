import { handlePlatformRequest } from '@/lib/platform/process';

// Every platform endpoint of the catalogue, routed, verified and validated by lib/platform;
// services live in lib/platform/services.
export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handlePlatformRequest(request);
}
export function POST(request: Request) {
  return handlePlatformRequest(request);
}
export function PUT(request: Request) {
  return handlePlatformRequest(request);
}
export function DELETE(request: Request) {
  return handlePlatformRequest(request);
}
export function PATCH(request: Request) {
  return handlePlatformRequest(request);
}
