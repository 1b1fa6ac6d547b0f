import type { Role } from '@/db/schema/auth';

/** Who is calling: a signed-in user, an API key, or the system itself (workers, seed). */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  /** Human-readable: an email, "key nw_ab12cd34 (gateway)" or "system". */
  label: string;
  role: Role;
}

export const systemActor: Actor = { type: 'system', id: null, label: 'system', role: 'admin' };

/** Context every mutation carries so audit events can say who and which request. */
export interface RequestMeta {
  actor: Actor;
  requestId: string;
}
