import { renderMetrics } from '@/server/metrics/collect';

export const dynamic = 'force-dynamic';

/** NeuroWeaver's own Prometheus metrics (text format); see server/metrics/registry.ts. */
export async function GET() {
  const { contentType, body } = await renderMetrics();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
