/** The demo users that `db/seed.ts` creates (db/seed-data.ts), one per role plus a second admin. */
export type Role = 'admin' | 'ml_engineer' | 'product_manager' | 'viewer';

export interface DemoUser {
  email: string;
  password: string;
  role: Role;
}

export const admin: DemoUser = { email: 'admin@neuroweaver.dev', password: 'admin-demo-password', role: 'admin' };
/** A second admin, for flows that need two different approvers. */
export const secondAdmin: DemoUser = { email: 'admin2@neuroweaver.dev', password: 'admin2-demo-password', role: 'admin' };
export const mlEngineer: DemoUser = { email: 'ml@neuroweaver.dev', password: 'ml-demo-password', role: 'ml_engineer' };
export const productManager: DemoUser = { email: 'pm@neuroweaver.dev', password: 'pm-demo-password', role: 'product_manager' };
export const viewer: DemoUser = { email: 'viewer@neuroweaver.dev', password: 'viewer-demo-password', role: 'viewer' };

/** By role, e.g. `users.ml_engineer`. */
export const users: Record<Role, DemoUser> = {
  admin,
  ml_engineer: mlEngineer,
  product_manager: productManager,
  viewer,
};
