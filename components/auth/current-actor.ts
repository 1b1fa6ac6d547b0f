import { cache } from 'react';
import { currentActor } from '@/server/api/context';

/**
 * The signed-in actor for server components, resolved once per request however many layouts and
 * pages ask (React `cache`). Server-only: it reads the session cookie and the database.
 */
export const getCurrentActor = cache(currentActor);
