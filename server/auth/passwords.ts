import bcrypt from 'bcryptjs';
import { getEnv } from '@/server/env';

/** bcrypt: deliberately slow, salted per password. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, getEnv().BCRYPT_ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
