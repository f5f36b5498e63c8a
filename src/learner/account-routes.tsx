/**
 * Sign-up (/inscription, confirmed by a mailed link: GET shows a button, POST confirms), sign-in
 * (/connexion, the facilitators' own is linked) and the forgotten password (a single-use link).
 * With Moodle, sign-in checks the Moodle account and sign-up is Moodle's own page.
 */
import { de } from '../text/french.js';
import express, { type Request, type Response, type Router } from 'express';
import { AuthError } from '../auth/errors.js';
import { readCookie, SESSION_COOKIE, sessionCookie } from '../auth/cookie.js';
import { formState, PostForm, TextField } from '../web/forms.js';
import type { Web } from '../web/web.js';
import { safeReturnPath } from './guards.js';
import { emailSchema, PASSWORD_MIN, passwordSchema, signupSchema, type LearnerSpace } from './service.js';
import { LEARNER_STYLESHEET } from './styles.js';

const SIGNUP_LIMIT = { form: 'apprenant-inscription', perAddress: 20, perEmail: 3 };
const RESET_LIMIT = { form: 'apprenant-mot-de-passe', perAddress: 20, perEmail: 3 };
const CSS = [LEARNER_STYLESHEET];

function tokenOf(value: unknown): string {
  return typeof value === 'string' && /^[\w-]{20,100}$/.test(value) ? value : '';
}

export function createAccountRouter(space: LearnerSpace, web: Web): Router {
  const router = express.Router();
  const moodle = space.mode === 'moodle';

  router.get('/connexion', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const state = formState('apprenant-connexion', context.refused);
      const back = safeReturnPath(req.query.suite);
      const signedIn = context.viewer.role === 'learner';
      web.send(res, 200, {
        title: 'Se connecter', section: 'connexion', context, stylesheets: CSS,
        children: (
          <>
            {signedIn ? <p>Vous êtes connecté·e. <a href="/mon-parcours">Voir mon parcours</a></p> : null}
            <section class="card" aria-labelledby="titre-apprenant">
              <h2 id="titre-apprenant">Apprenant·es</h2>
              <PostForm action={back ? `/connexion?suite=${encodeURIComponent(back)}` : '/connexion'} token={context.formToken} label="Connexion des apprenant·es">
                {moodle
                  ? <TextField name="identifiant" label="Identifiant Moodle" state={state} required autocomplete="username" maxLength={100} order={['identifiant', 'mot_de_passe']} />
                  : <TextField name="identifiant" type="email" label="Adresse e-mail" state={state} required autocomplete="email" maxLength={254} order={['identifiant', 'mot_de_passe']} />}
                <TextField name="mot_de_passe" type="password" label="Mot de passe" state={state} required autocomplete="current-password" maxLength={1024} order={['identifiant', 'mot_de_passe']} />
                <p><button type="submit" class="primary">Se connecter</button></p>
              </PostForm>
              <ul>
                {moodle
                  ? <li><a href={`${space.moodleSignupUrl!.replace(/signup\.php$/, 'forgot_password.php')}`}>Mot de passe oublié (sur Moodle)</a></li>
                  : <li><a href="/connexion/mot-de-passe-oublie">Mot de passe oublié</a></li>}
                {moodle ? <li><a href={space.moodleSignupUrl}>Créer un compte sur Moodle</a></li>
                  : space.signupOpen ? <li><a href="/inscription">Créer un compte d’apprenant·e</a></li> : null}
              </ul>
            </section>
            <section class="card" aria-labelledby="titre-animation">
              <h2 id="titre-animation">Animateur·rices et administrateur·rices</h2>
              <p><a href="/dashboard/connexion">Connexion des animateur·rices et administrateur·rices (jeton d’accès)</a></p>
            </section>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/connexion', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      const back = safeReturnPath(req.query.suite);
      const self = back ? `/connexion?suite=${encodeURIComponent(back)}` : '/connexion';
      const identifier = (fields.identifiant ?? '').trim();
      const password = fields.mot_de_passe ?? '';
      const values = { identifiant: identifier };
      const refuse = (field: string, error: string) => web.refuse(req, res, self, { form: 'apprenant-connexion', values, errors: { [field]: error } });
      if (!identifier) return refuse('identifiant', moodle ? 'indiquez votre identifiant Moodle.' : 'indiquez votre adresse e-mail.');
      if (!password) return refuse('mot_de_passe', 'indiquez votre mot de passe.');
      try {
        // The session this browser held (another account's, or one planted before sign-in) ends here.
        const session = await space.signIn(identifier, password, req.ip, readCookie(req.headers.cookie, SESSION_COOKIE));
        res.append('Set-Cookie', sessionCookie(session.token, web.auth ? web.auth.sessionTtlMs / 1000 : 7200, { secure: req.secure }));
        return web.redirect(req, res, back ?? '/mon-parcours', { notice: `Bienvenue, ${session.viewer.displayName ?? ''} : vous êtes connecté·e.` });
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        if (error.code === 'LOGIN_RATE_LIMITED') {
          res.setHeader('Retry-After', String(Math.ceil(Number(error.extensions.retryAfterSeconds) || 60)));
          return refuse('mot_de_passe', error.message);
        }
        if (error.code === 'LOGIN_UNAVAILABLE') return refuse('mot_de_passe', error.message);
        return refuse('mot_de_passe', moodle ? 'identifiant ou mot de passe incorrect.' : 'adresse e-mail ou mot de passe incorrect (ou adresse pas encore confirmée : ouvrez le lien reçu par e-mail).');
      }
    } catch (err) {
      next(err);
    }
  });

  router.get('/inscription', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const state = formState('apprenant-inscription', context.refused);
      const order = ['nom', 'email', 'mot_de_passe'];
      web.send(res, 200, {
        title: 'Créer un compte d’apprenant·e', section: 'connexion', context, stylesheets: CSS,
        children: moodle ? (
          <p>Les comptes d’apprenant·e sont ceux de Moodle : <a href={space.moodleSignupUrl}>créez votre compte sur Moodle</a>, puis <a href="/connexion">connectez-vous ici</a> avec le même identifiant.</p>
        ) : !space.signupOpen ? (
          <p class="notice">Les inscriptions en ligne sont fermées : demandez un compte à votre animateur·rice. Vous avez déjà un compte ? <a href="/connexion">Connectez-vous</a>.</p>
        ) : (
          <>
            <p>Un compte garde votre avancement dans le parcours et vos réponses aux quiz. Vous pourrez télécharger ces données ou supprimer votre compte à tout moment depuis « Mon parcours ».</p>
            <PostForm action="/inscription" token={context.formToken} honeypot label="Création de compte">
              <TextField name="nom" label="Nom ou pseudonyme" hint="Il sera visible de vos animateur·rices." state={state} required autocomplete="name" maxLength={100} order={order} />
              <TextField name="email" type="email" label="Adresse e-mail" hint="Pour confirmer votre compte et retrouver votre mot de passe ; elle n’est montrée à personne." state={state} required autocomplete="email" maxLength={254} order={order} />
              <TextField name="mot_de_passe" type="password" label="Mot de passe" hint={`Au moins ${PASSWORD_MIN} caractères.`} state={state} required autocomplete="new-password" maxLength={1024} order={order} />
              <p><button type="submit" class="primary">Créer mon compte</button></p>
            </PostForm>
            <p>Vous avez déjà un compte ? <a href="/connexion">Connectez-vous</a>.</p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/inscription', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      if (!space.signupOpen) return web.redirect(req, res, '/inscription');
      const fields = web.fields(req);
      const notice = 'Presque fini : ouvrez le lien que nous venons d’envoyer à votre adresse e-mail pour confirmer votre compte (pensez aux indésirables).';
      if (web.isRobot(fields)) return web.redirect(req, res, '/connexion', { notice });
      const values = { nom: fields.nom ?? '', email: fields.email ?? '' };
      const parsed = signupSchema.safeParse(fields);
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
        return web.refuse(req, res, '/inscription', { form: 'apprenant-inscription', values, errors });
      }
      if (!(await web.admit(req, res, SIGNUP_LIMIT, { form: 'apprenant-inscription', to: '/inscription', values, field: 'email', email: parsed.data.email }))) return;
      await space.signUp(parsed.data, {
        confirm: (token) => web.absolute(`/inscription/confirmer?jeton=${token}`, req),
        signIn: web.absolute('/connexion', req),
        reset: web.absolute('/connexion/mot-de-passe-oublie', req),
      });
      web.redirect(req, res, '/connexion', { notice });
    } catch (err) {
      next(err);
    }
  });

  // GET only shows a button: mail scanners that open links must not confirm an account.
  router.get('/inscription/confirmer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = tokenOf(req.query.jeton);
      const signup = token ? await space.signupFor(token) : undefined;
      web.send(res, signup ? 200 : 404, {
        title: 'Confirmer mon adresse', section: 'connexion', context, stylesheets: CSS,
        children: signup ? (
          <PostForm action="/inscription/confirmer" token={context.formToken} label="Confirmation de l’adresse">
            <input type="hidden" name="jeton" value={token} />
            <p>{`Compte ${de(signup.displayName)}, adresse ${signup.email}.`}</p>
            <p><button type="submit" class="primary">Confirmer mon adresse</button></p>
          </PostForm>
        ) : (
          <p class="error">Ce lien de confirmation a déjà servi ou a expiré (il vaut 48 heures). Essayez de <a href="/connexion">vous connecter</a>, ou <a href="/inscription">créez votre compte de nouveau</a>.</p>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/inscription/confirmer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const token = tokenOf(web.fields(req).jeton);
      const confirmed = token ? await space.confirm(token) : false;
      web.redirect(req, res, '/connexion', {
        notice: confirmed ? 'Votre adresse est confirmée : connectez-vous pour commencer le parcours.' : 'Ce lien de confirmation a déjà servi ou a expiré : si votre compte est confirmé, connectez-vous.',
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/connexion/mot-de-passe-oublie', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const state = formState('apprenant-oubli', context.refused);
      web.send(res, 200, {
        title: 'Mot de passe oublié', section: 'connexion', context, stylesheets: CSS,
        children: moodle ? <p>Votre mot de passe est celui de Moodle : <a href={space.moodleSignupUrl!.replace(/signup\.php$/, 'forgot_password.php')}>retrouvez-le sur Moodle</a>.</p> : (
          <>
            <p>Indiquez l’adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe, valable une heure et une seule fois.</p>
            <PostForm action="/connexion/mot-de-passe-oublie" token={context.formToken} honeypot label="Mot de passe oublié">
              <TextField name="email" type="email" label="Adresse e-mail" state={state} required autocomplete="email" maxLength={254} />
              <p><button type="submit" class="primary">Recevoir un lien</button></p>
            </PostForm>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/connexion/mot-de-passe-oublie', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      const notice = 'Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe vient de lui être envoyé (valable une heure).';
      if (web.isRobot(fields) || moodle) return web.redirect(req, res, '/connexion', { notice });
      const values = { email: fields.email ?? '' };
      const email = emailSchema.safeParse(fields.email ?? '');
      if (!email.success) return web.refuse(req, res, '/connexion/mot-de-passe-oublie', { form: 'apprenant-oubli', values, errors: { email: email.error.issues[0]!.message } });
      if (!(await web.admit(req, res, RESET_LIMIT, { form: 'apprenant-oubli', to: '/connexion/mot-de-passe-oublie', values, field: 'email', email: email.data }))) return;
      await space.requestPasswordLink(email.data, (token) => web.absolute(`/connexion/nouveau-mot-de-passe?jeton=${token}`, req));
      web.redirect(req, res, '/connexion', { notice });
    } catch (err) {
      next(err);
    }
  });

  const resetPage = async (req: Request, res: Response, token: string) => {
    const context = await web.context(req, res);
    const state = formState('apprenant-nouveau', context.refused);
    const valid = token !== '' && (await space.passwordLinkValid(token));
    web.send(res, valid ? 200 : 404, {
      title: 'Choisir un nouveau mot de passe', section: 'connexion', context, stylesheets: CSS,
      children: valid ? (
        <PostForm action="/connexion/nouveau-mot-de-passe" token={context.formToken} label="Nouveau mot de passe">
          <input type="hidden" name="jeton" value={token} />
          <TextField name="mot_de_passe" type="password" label="Nouveau mot de passe" hint={`Au moins ${PASSWORD_MIN} caractères.`} state={state} required autocomplete="new-password" maxLength={1024} />
          <p><button type="submit" class="primary">Enregistrer</button></p>
        </PostForm>
      ) : <p class="error">Ce lien a déjà servi ou a expiré (il vaut une heure). <a href="/connexion/mot-de-passe-oublie">Demandez-en un nouveau</a>.</p>,
    });
  };

  router.get('/connexion/nouveau-mot-de-passe', web.ready, async (req, res, next) => {
    resetPage(req, res, tokenOf(req.query.jeton)).catch(next);
  });

  router.post('/connexion/nouveau-mot-de-passe', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      const token = tokenOf(fields.jeton);
      const password = passwordSchema.safeParse(fields.mot_de_passe ?? '');
      if (!password.success) {
        return web.refuse(req, res, `/connexion/nouveau-mot-de-passe?jeton=${token}`, { form: 'apprenant-nouveau', values: {}, errors: { mot_de_passe: password.error.issues[0]!.message } });
      }
      const done = token ? await space.resetPassword(token, password.data) : false;
      web.redirect(req, res, done ? '/connexion' : '/connexion/mot-de-passe-oublie', {
        notice: done ? 'Votre mot de passe est changé : connectez-vous avec le nouveau.' : 'Ce lien a déjà servi ou a expiré : demandez-en un nouveau.',
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
