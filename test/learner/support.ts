/**
 * The learner space's harness: the gateway as `npm start` builds it (real store, in memory),
 * a real SMTP server on a loopback port receiving the outbox's mails, and a browser-like client
 * (cookies, forms' tokens, Origin) over fetch.
 */
import { pino } from 'pino';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { LearnerSpace } from '../../src/learner/service.js';
import { deliverDueMails, MailOutbox, smtpSender } from '../../src/mail/index.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { freePort } from '../support/net.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

export { startSmtp, type Received } from '../support/smtp.js';

export interface LearnerGateway {
  runtime: Runtime;
  gateway: RunningGateway;
  smtp: TestSmtp;
  space: LearnerSpace;
  /** Sends the outbox through the SMTP server now (the mail job's run). */
  deliver(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The runtime over a wiki address where nothing answers, with the learner space; `curriculum`
 * changes the modules the learner space serves (a fixture: a module without questions).
 */
export async function startLearnerGateway(options: { env?: Record<string, string>; curriculum?: (modules: Runtime['deps']['curriculum']) => Runtime['deps']['curriculum'] } = {}): Promise<LearnerGateway> {
  const smtp = await startSmtp();
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@pollen', WIKI_BOT_PASSWORD: 'x',
    POLLEN_STORE_PATH: ':memory:', POLLEN_SMTP_URL: smtp.url, ...options.env,
  });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  let space = runtime.deps.learnerSpace!;
  if (options.curriculum) {
    space = new LearnerSpace({
      store: runtime.database, learners: runtime.tracker.learners, auth: runtime.deps.auth!, progress: runtime.deps.progress,
      curriculum: options.curriculum(runtime.deps.curriculum), signup: config.learnerSignup,
    });
    runtime.deps.learnerSpace = space;
  }
  const gateway = await startGateway(runtime.deps, { web: { store: runtime.database } });
  const outbox = new MailOutbox(runtime.database);
  const sender = smtpSender(smtp.url, config.mail.from);
  return {
    runtime, gateway, smtp, space,
    async deliver() {
      await deliverDueMails(outbox, sender, smtp.url);
    },
    async close() {
      sender.close();
      await gateway.close();
      runtime.close();
      await smtp.close();
    },
  };
}

/** A browser without JavaScript: keeps cookies, reads each form's token, sends Origin. */
export class Visitor {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<{ status: number; html: string; location: string | null; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.cookieHeader, accept: 'text/html' } });
    this.#keep(res);
    return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers };
  }

  /** The token of the forms on `path`'s page. */
  async token(path: string): Promise<string> {
    const { html } = await this.get(path);
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no form token on ${path}`);
    return m[1]!;
  }

  /** Posts a form (fields as typed; arrays for repeated fields, as ticked checkboxes send them) with this browser's token. */
  async post(path: string, fields: Record<string, string | string[]>, options: { token?: string; origin?: string } = {}): Promise<{ status: number; location: string | null; html: string }> {
    const body = new URLSearchParams({ csrf: options.token ?? '' });
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: this.cookieHeader, origin: options.origin ?? this.base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body,
    });
    this.#keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  /** Opens `formPage`, then posts its form to `action` (a form's round trip). */
  async submit(formPage: string, action: string, fields: Record<string, string | string[]>) {
    const token = await this.token(formPage);
    return this.post(action, fields, { token });
  }
}

/** The link of a mail that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const m = new RegExp(`(https?://\\S*${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S*)`).exec(text);
  if (!m) throw new Error(`no ${prefix} link in: ${text}`);
  return m[1]!;
}
