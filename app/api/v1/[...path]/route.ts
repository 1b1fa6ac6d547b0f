import { handleRestRequest } from '@/server/http/handle';
import { restRouter } from '@/server/http/routes';

export const dynamic = 'force-dynamic';

/** Every /api/v1 route is served from the shared route table (server/http/routes.ts). */
async function handler(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  return handleRestRequest(restRouter, req, `/${path.map(encodeURIComponent).join('/')}`);
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
