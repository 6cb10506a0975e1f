// The dashboard's promote and roll-back buttons act through the admin API itself (routes/admin.ts), called
// in-process with the admin token once the session and the CSRF token are checked: one implementation of
// each action, with the same checks and messages as `pare promote` / `pare rollback`.
import { Hono, type Context } from 'hono';
import type { AppContext } from '../env';
import { adminRoutes } from '../routes/admin';

// Errors are rethrown so the caller shows the PareError's own message and status.
const admin = new Hono<AppContext>().route('/', adminRoutes);
admin.onError((err) => {
  throw err;
});

export async function callAdmin<T>(c: Context<AppContext>, secret: string, method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const response = await admin.request(path, init, c.env, c.executionCtx);
  return (await response.json()) as T;
}
