import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

export type PareDb = DrizzleD1Database<typeof schema>;

/** Wrap a D1 binding (edge) in the typed drizzle client every query in this package takes. */
export function createDb(d1: Parameters<typeof drizzle>[0]): PareDb {
  return drizzle(d1, { schema });
}
