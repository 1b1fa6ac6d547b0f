import { z } from 'zod';

/** Environment fields shared by the per-domain settings modules: an empty variable counts as unset. */
export const emptyAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A whole number within [min, max], `fallback` when unset or empty. */
export const envInt = (min: number, max: number, fallback: number) => z.preprocess(emptyAsUnset, z.coerce.number().int().min(min).max(max).default(fallback));
