import type { Role } from '@/server/auth/access';

/**
 * Role names for the UI. Declared here (type-checked against the `role` enum: a missing or extra key
 * fails to compile) so client bundles need not import the database schema.
 */
export const roleLabels: Record<Role, string> = {
  admin: 'Admin',
  ml_engineer: 'ML engineer',
  product_manager: 'Product manager',
  viewer: 'Viewer',
};

export const roleOptions = Object.keys(roleLabels) as Role[];
