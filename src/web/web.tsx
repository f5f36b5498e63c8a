/**
 * The web layer every concept's pages go through: who is asking (the page context), the page
 * itself (shell, headers, Content-Security-Policy), and the forms' rules: same origin (behind a
 * proxy too), a CSRF token bound to the browser, post/redirect/get with the refused form's values
 * and errors carried to the next page, per-address limits, a honeypot.
 *
 * Concepts receive one `Web` (src/server.ts builds it) and provide their routes; no concept
 * imports another concept's pages.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { renderToString } from 'preact-render-to-string';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from '../auth/cookie.js';
import type { AuthService } from '../auth/service.js';
import { hashToken } from '../auth/tokens.js';
import { ANONYMOUS } from '../auth/viewer.js';
import type { StoreDb } from '../store/database.js';
import { CsrfTokens, csrfTokensFor, isSameOrigin, originOf } from './csrf.js';
import { FlashSeal, type Flash, type RefusedForm } from './flash.js';
import { HONEYPOT_FIELD } from './forms.js';
import { MemoryFormLimits, StoreFormLimits, frenchWait, type FormLimitRule, type FormLimits } from './limits.js';
import { Page, type PageContext, type PageProps } from './shell.js';
import { servedStylesheet } from './styles.js';

/** The cookie that binds visitors' forms to their browser when they have no session. */
export const FORM_COOKIE = 'pollen_form';

export interface WebOptions {
  auth?: AuthService | undefined;
  /** Where form limits are counted across replicas; without it, in this process. */
  store?: StoreDb | undefined;
  /** POLLEN_PUBLIC_URL: its origin is accepted for forms, and links in mails start with it. */
  publicUrl?: string | undefined;
  /** Form limits' clock, for specs. */
  now?: () => number;
  /** Replaces the form limits (specs). */
  limits?: FormLimits;
}

/** The body of a POST form, field by field (repeated fields joined by commas). */
export type FormBody = Record<string, string>;

export class Web {
  readonly auth: AuthService | undefined;
  readonly csrf: CsrfTokens;
  readonly limits: FormLimits;
  readonly publicUrl: string | undefined;
  readonly #publicOrigin: string | undefined;
  #seal: FlashSeal | undefined;

  constructor(options: WebOptions = {}) {
    this.auth = options.auth;
    this.csrf = csrfTokensFor(options.auth);
    this.limits = options.limits ?? (options.store ? new StoreFormLimits(options.store, { now: options.now }) : new MemoryFormLimits({ now: options.now }));
    this.publicUrl = options.publicUrl?.replace(/\/+$/, '');
    this.#publicOrigin = originOf(options.publicUrl);
  }

  /** Loads the shared form key once; mount before any page route (Express middleware). */
  readonly ready: RequestHandler = (_req, _res, next) => {
    if (this.#seal) return next();
    this.csrf.ready().then(() => {
      this.#seal ??= new FlashSeal(this.csrf.key());
      next();
    }, next);
  };

  /** Parses a urlencoded form body (8 KB at most: a flash of it always fits in its cookies). */
  readonly body: RequestHandler = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 60 });

  /** The absolute URL of a path, for mails and wiki pages (POLLEN_PUBLIC_URL, else the request's origin). */
  absolute(path: string, req?: Request): string {
    const base = this.publicUrl ?? (req ? `${req.protocol}://${req.host}` : '');
    return `${base}${path}`;
  }

  /**
   * Who is asking, the sign-out form, the token of this page's forms, and the notice the
   * previous action left; reading the flash clears it (a reload shows the page as it is).
   */
  async context(req: Request, res: Response): Promise<PageContext & { refused?: RefusedForm | undefined }> {
    const found = this.auth ? await this.auth.authenticate(req) : { viewer: ANONYMOUS, sessionHash: null, credentialRejected: false };
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = found.sessionHash && cookie && hashToken(cookie) === found.sessionHash ? cookie : undefined;
    const flash = this.#takeFlash(req, res);
    return {
      viewer: found.viewer,
      signOut: session ? { action: '/deconnexion', csrfToken: this.csrf.tokenFor(session) } : undefined,
      formToken: this.csrf.tokenFor(this.#binding(req, res)),
      notice: flash?.notice,
      refused: flash?.refused,
    };
  }

  /** Sends a whole page: the shell around `props.children`, its headers, `<!doctype html>`. */
  send(res: Response, status: number, props: PageProps): void {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        // Pages carry forms bound to this browser and who is signed in: never kept by a shared cache.
        'Cache-Control': 'private, no-cache',
        'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        // A page of a private link sets its own (no-referrer) before sending.
        'Referrer-Policy': (res.getHeader('Referrer-Policy') as string | undefined) ?? 'same-origin',
      })
      .send(`<!doctype html>\n${renderToString(<Page {...props} />)}`);
  }

  /**
   * Checks a POST: same origin (Origin, else Referer; POLLEN_PUBLIC_URL's origin counts) and the
   * form token of this browser. Refused: a French 403 page is sent and false returned.
   */
  checkPost(req: Request, res: Response): boolean {
    const token = (req.body as Record<string, unknown> | undefined)?.csrf;
    const binding = this.#bindingOf(req);
    const ok = isSameOrigin(req.headers, req.protocol, req.host, this.#publicOrigin) && binding !== undefined && this.csrf.verify(binding, token);
    if (ok) return true;
    this.send(res, 403, {
      title: 'Formulaire expiré',
      section: 'autre',
      children: (
        <>
          <p class="error">Ce formulaire n’a pas pu être vérifié : il a peut-être été ouvert il y a longtemps, dans un autre navigateur, ou les cookies sont désactivés. Rien n’a été enregistré.</p>
          <p>Revenez à la page précédente, rechargez-la, puis envoyez le formulaire de nouveau (Pollen a besoin d’un cookie technique pour protéger ses formulaires).</p>
        </>
      ),
    });
    return false;
  }

  /** The form's fields as strings (a repeated field, e.g. checkboxes, joined by commas). */
  fields(req: Request): FormBody {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const out: FormBody = {};
    for (const [name, value] of Object.entries(body)) {
      if (name === 'csrf') continue;
      if (typeof value === 'string') out[name] = value;
      else if (Array.isArray(value)) out[name] = value.filter((v): v is string => typeof v === 'string').join(',');
    }
    return out;
  }

  /** True when the honeypot field was filled: a robot. Answer as if it worked, do nothing. */
  isRobot(fields: FormBody): boolean {
    return (fields[HONEYPOT_FIELD] ?? '') !== '';
  }

  /**
   * Counts a send of a public form against its limits. Over a limit: false, and the refusal is
   * already on its way back to the form (`to`) with what was typed.
   */
  async admit(req: Request, res: Response, rule: FormLimitRule, refusal: { form: string; to: string; values: FormBody; field: string; email?: string }): Promise<boolean> {
    const wait = await this.limits.admit(rule, req.ip, refusal.email);
    if (wait === 0) return true;
    res.setHeader('Retry-After', String(wait));
    this.refuse(req, res, refusal.to, {
      form: refusal.form,
      values: refusal.values,
      errors: { [refusal.field]: `Trop d’envois de ce formulaire depuis votre connexion ou pour cette adresse e-mail : réessayez ${frenchWait(wait)}.` },
    });
    return false;
  }

  /** Post/redirect/get after a refusal: back to the form (303) with what was typed and each error. */
  refuse(req: Request, res: Response, to: string, refused: RefusedForm): void {
    const { [HONEYPOT_FIELD]: _trap, ...values } = refused.values;
    this.redirect(req, res, to, { refused: { ...refused, values } });
  }

  /** Post/redirect/get after an action: 303 to `to`, with a notice for the next page. */
  redirect(req: Request, res: Response, to: string, flash: Flash = {}): void {
    const cookies = flash.notice || flash.refused ? this.#sealOrThrow().cookies(flash, req.secure) : undefined;
    if (cookies) res.append('Set-Cookie', cookies);
    res.redirect(303, to);
  }

  /** The 404 page of a concept's route (an unknown session or provider). */
  notFound(res: Response, context: PageContext | undefined, message: string): void {
    this.send(res, 404, { title: 'Page introuvable', section: 'autre', context, children: <p class="error">{message}</p> });
  }

  /** GET /styles/<hash>.css: the pages' stylesheets (styles.ts), kept by browsers for a year. */
  stylesRoute(): express.Router {
    const router = express.Router();
    router.get(/^\/styles\/[0-9a-f]{16}\.css$/, (req, res, next) => {
      const text = servedStylesheet(req.path);
      if (text === undefined) return void next();
      res.type('text/css; charset=utf-8').set({ 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' }).send(text);
    });
    return router;
  }

  /** POST /deconnexion: ends the session of this browser (any role), back to the home page. */
  signOutRoute(): express.Router {
    const router = express.Router();
    router.post('/deconnexion', this.ready, this.body, async (req, res, next) => {
      try {
        const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
        const token = (req.body as Record<string, unknown> | undefined)?.csrf;
        if (!cookie || !isSameOrigin(req.headers, req.protocol, req.host, this.#publicOrigin) || !this.csrf.verify(cookie, token)) {
          // Already signed out (an expired session) or a forged request: nothing to end, say so.
          if (!cookie) return void this.redirect(req, res, '/', { notice: 'Vous n’êtes pas connecté·e.' });
          return void this.checkPost(req, res);
        }
        await this.auth?.logout(cookie);
        res.append('Set-Cookie', clearedSessionCookie({ secure: req.secure }));
        this.redirect(req, res, '/', { notice: 'Vous êtes déconnecté·e.' });
      } catch (err) {
        next(err);
      }
    });
    return router;
  }

  #sealOrThrow(): FlashSeal {
    if (!this.#seal) throw new Error('Web used before its ready middleware');
    return this.#seal;
  }

  #takeFlash(req: Request, res: Response): Flash | undefined {
    if (!FlashSeal.present(req.headers.cookie)) return undefined;
    res.append('Set-Cookie', FlashSeal.cleared(req.secure));
    return this.#sealOrThrow().open(req.headers.cookie);
  }

  /** What the forms' tokens are bound to: the session cookie, else the visitor's form cookie. */
  #bindingOf(req: Request): string | undefined {
    return readCookie(req.headers.cookie, SESSION_COOKIE) || readCookie(req.headers.cookie, FORM_COOKIE) || undefined;
  }

  #binding(req: Request, res: Response): string {
    const existing = this.#bindingOf(req);
    if (existing && existing.length <= 100) return existing;
    const value = randomBytes(18).toString('base64url');
    res.append('Set-Cookie', [`${FORM_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${30 * 86400}`, ...(req.secure ? ['Secure'] : [])].join('; '));
    return value;
  }
}
