import type { AuthService, RequestLike } from './service.js';

type Authenticated = Awaited<ReturnType<AuthService['authenticate']>>;

/** One look-up per request: the rate limit and the GraphQL context ask for the same answer. */
const byRequest = new WeakMap<object, Promise<Authenticated>>();

/** `auth.authenticate(req)`, computed once per request object however many callers ask. */
export function authenticateOnce(auth: AuthService, req: RequestLike & object): Promise<Authenticated> {
  let found = byRequest.get(req);
  if (!found) {
    found = auth.authenticate(req);
    byRequest.set(req, found);
  }
  return found;
}
