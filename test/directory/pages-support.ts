/**
 * The directory's public pages over the gateway as `npm start` builds it (in-memory store, a wiki
 * address where nothing answers), a real SMTP server on a loopback port that keeps what it
 * receives, the mail job ticked by hand, and a visitor that keeps its cookies and posts forms.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startMailDelivery } from '../../src/mail/index.js';
import type { FormLimits } from '../../src/web/limits.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { freePort } from '../support/net.js';

export const FACILITATOR_TOKEN = 'directory-pages-facilitator-token-0123456789';

export interface Received { to: string; subject: string; text: string }

export async function startSmtp(): Promise<{ port: number; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          inbox.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { port: (server.server.address() as AddressInfo).port, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface PagesGateway {
  runtime: Runtime;
  gateway: RunningGateway;
  url: string;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  /** Sends every mail waiting in the outbox to the SMTP server. */
  deliver(): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startPagesGateway(options: { env?: Record<string, string>; limits?: FormLimits } = {}): Promise<PagesGateway> {
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@pollen', WIKI_BOT_PASSWORD: 'x',
    POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, ...options.env,
  });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  const gateway = await startGateway(runtime.deps, { trustProxy: 'loopback', web: { store: runtime.database, ...(options.limits ? { limits: options.limits } : {}) } });
  const smtp = await startSmtp();
  const job = startMailDelivery({ store: runtime.database, smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Pollen <annuaire@pollen.example.org>', logger: pino({ level: 'silent' }), start: false })!;
  return {
    runtime, gateway, url: gateway.url, smtp,
    async deliver() {
      const before = smtp.inbox.length;
      await job.tick();
      return smtp.inbox.slice(before);
    },
    async close() {
      job.stop();
      await smtp.close();
      await gateway.close();
      runtime.close();
    },
  };
}

/** A browser without JavaScript, reduced to cookies and forms. */
export class Visitor {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string, readonly ip?: string) {}

  #keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html', ...(this.ip ? { 'x-forwarded-for': this.ip } : {}), ...extra };
  }

  async get(path: string): Promise<{ status: number; html: string }> {
    const res = await fetch(`${this.base}${path}`, { headers: this.#headers(), redirect: 'manual' });
    this.#keep(res);
    return { status: res.status, html: await res.text() };
  }

  /** Opens `page`, takes its form token, posts `fields` to `action`; the redirect's target and its page. */
  async post(page: string, action: string, fields: Record<string, string | string[]>): Promise<{ status: number; location: string | null; html: string }> {
    const { html } = await this.get(page);
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    return this.postWith(token, action, fields);
  }

  async postWith(token: string, action: string, fields: Record<string, string | string[]>): Promise<{ status: number; location: string | null; html: string }> {
    const body = new URLSearchParams([['csrf', token]]);
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await fetch(`${this.base}${action}`, {
      method: 'POST', redirect: 'manual', body,
      headers: this.#headers({ 'content-type': 'application/x-www-form-urlencoded', origin: this.base }),
    });
    this.#keep(res);
    const location = res.headers.get('location');
    if (res.status !== 303 || !location) return { status: res.status, location, html: await res.text() };
    await res.body?.cancel();
    const next = await this.get(location);
    return { status: res.status, location, html: next.html };
  }
}

/** The link a mail carries to `path` (with its query). */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path.replace(/[?]/g, '\\?')}[^\\s]*`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}

/** A recommendation as the form posts it. */
export function recommendationFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    association: 'Les Jardins Partagés du Plateau', rna: '', email: 'bureau@jardins-plateau.example.net',
    travail: 'Étude de nos besoins, installation d’un espace de fichiers partagé et formation de huit bénévoles.',
    mois: '03', annee: '2025', remplaces: 'Google Drive, WhatsApp', adoptes: 'Nextcloud, Element',
    'q-needAssessed': 'yes', 'q-delivered': 'yes', 'q-usersTrained': 'partial', 'q-autonomous': 'yes', 'q-documentationLeft': 'yes', 'q-supportAfter': 'no', 'q-wouldRecommend': 'yes',
    citation: 'Une équipe à l’écoute.', publier: 'oui', contact: 'oui',
    ...overrides,
  };
}

export function declarationFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    nom: 'Les Hébergeurs du Plateau', type: 'chatons', services: ['hebergement', 'formation'], regions: [], departements: '69, 1',
    ville: 'Lyon', site: 'https://hebergeurs-plateau.example.org', contact: 'contact@hebergeurs-plateau.example.org',
    description: 'Nous hébergeons des services libres pour les associations du Rhône et les formons.', email: 'gestion@hebergeurs-plateau.example.org',
    ...overrides,
  };
}
