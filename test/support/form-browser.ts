/** A browser without JavaScript, over fetch: keeps its cookies, follows no redirect by itself. */
export class FormBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<{ res: Response; html: string }> {
    const res = await fetch(`${this.origin}${path}`, { headers: { cookie: this.header(), accept: 'text/html' }, redirect: 'manual' });
    this.keep(res);
    return { res, html: await res.text() };
  }

  /** Posts a form as the page would (same origin); `fields` may repeat a name (checkboxes). */
  async post(path: string, fields: Record<string, string> | Array<[string, string]>, headers: Record<string, string> = { origin: this.origin }): Promise<Response> {
    const res = await fetch(`${this.origin}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    this.keep(res);
    return res;
  }
}

/** The CSRF token of the first form of a page. */
export function formTokenIn(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}
