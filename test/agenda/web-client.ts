/** A visitor's browser without JavaScript, over fetch: keeps cookies, reads each page's form token, follows nothing by itself. */

export interface WebAnswer {
  status: number;
  text: string;
  location: string | null;
}

export class WebClient {
  readonly #cookies = new Map<string, string>();
  #token = '';

  constructor(readonly base: string) {}

  #keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  async get(path: string): Promise<WebAnswer> {
    const response = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.cookieHeader, accept: 'text/html' } });
    this.#keep(response);
    const text = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.#token = token;
    return { status: response.status, text, location: response.headers.get('location') };
  }

  /** A form sent as a browser sends it: same origin, this page's token (unless `csrf` is given). */
  async post(path: string, fields: Record<string, string>): Promise<WebAnswer> {
    const body = new URLSearchParams({ csrf: this.#token, ...fields });
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: this.cookieHeader, origin: this.base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body,
    });
    this.#keep(response);
    return { status: response.status, text: await response.text(), location: response.headers.get('location') };
  }

  /** Sends the form, then opens the page the answer redirects to (post/redirect/get). */
  async submit(path: string, fields: Record<string, string>): Promise<WebAnswer & { posted: WebAnswer }> {
    const posted = await this.post(path, fields);
    if (posted.status !== 303 || !posted.location) return { ...posted, posted };
    return { ...(await this.get(posted.location.replace(this.base, ''))), posted };
  }
}
