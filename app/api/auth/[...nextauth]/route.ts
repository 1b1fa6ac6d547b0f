import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/next-auth';

export const dynamic = 'force-dynamic';

const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) =>
  ctx.params.then((params) => NextAuth(req as never, { params } as never, authOptions()));

export { handler as GET, handler as POST };
