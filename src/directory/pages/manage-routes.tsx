/**
 * A structure's own pages, with no password:
 *   GET  /annuaire/declarer          the declaration form; POST sends it (then a mailed link)
 *   GET  /annuaire/gerer?jeton=…     a button that opens the management of the fiche (POST /annuaire/gerer)
 *   GET  /annuaire/gerer             the fiche to edit or withdraw while signed in; else the form
 *                                    that mails a sign-in link (POST /annuaire/gerer/lien)
 *   POST /annuaire/gerer/fiche, /retrait, /fin   edit, withdraw, sign out
 * A change of name, website or territories sends an approved fiche back to moderation (service).
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { readCookie } from '../../auth/cookie.js';
import { queueMails } from '../../mail/index.js';
import { Checkbox, formState, PostForm, TextField, type FormState } from '../../web/forms.js';
import type { Web } from '../../web/web.js';
import {
  closeManagerSession, createLink, managerCookie, managerSession, MANAGER_COOKIE, openManagerSession, peekLink, useLink,
} from '../access.js';
import { declarationConfirmMail, signInMail } from '../mails.js';
import { DirectoryError, foldText, type Provider } from '../model.js';
import type { DirectoryService } from '../service.js';
import { PROVIDER_PAGES_CSS } from './common.js';
import { ProviderForm, providerValues, readProvider } from './provider-form.js';

const DECLARE_FORM = 'annuaire-declaration';
const LINK_FORM = 'annuaire-lien';
const EDIT_FORM = 'annuaire-fiche';
const WITHDRAW_FORM = 'annuaire-retrait';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const STATUS_TEXT: Record<Provider['status'], string> = {
  unconfirmed: 'Déclaration pas encore confirmée.',
  pending: 'En attente de validation par l’équipe d’animation : votre fiche n’est pas visible dans l’annuaire.',
  approved: 'Validée par l’équipe d’animation.',
  rejected: 'Déclaration refusée par l’équipe d’animation.',
  withdrawn: 'Fiche retirée de l’annuaire.',
};

function LinkRequest(props: { state: FormState; token: string }) {
  return (
    <PostForm action="/annuaire/gerer/lien" token={props.token} honeypot label="Recevoir un lien de connexion" id="demande-lien">
      <h2>Recevoir un lien pour gérer votre fiche</h2>
      <p class="hint">Indiquez l’adresse donnée lors de la déclaration : un lien valable 30 minutes vous y sera envoyé. Il n’y a pas de mot de passe.</p>
      <TextField state={props.state} name="email" type="email" label="Adresse e-mail de la structure" required maxLength={200} autocomplete="email" idPrefix="lien" />
      <button type="submit" class="primary">Recevoir le lien</button>
    </PostForm>
  );
}

/** A structure's accompaniment projects, listed on its management page (src/matchmaking/projects, wired by src/server.ts). */
export type ManagedProjects = (providerId: number) => Promise<Array<{ label: string; state: string; href: string }>>;

export function createManagePages(directory: DirectoryService, web: Web, now: () => Date, projects?: ManagedProjects): Router {
  const router = express.Router();
  const css = [PROVIDER_PAGES_CSS];
  const sessionOf = (req: Request) => managerSession(directory.db, readCookie(req.headers.cookie, MANAGER_COOKIE), now());

  // ---- « Déclarer ma structure » -----------------------------------------------------------

  router.get('/annuaire/declarer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const state = formState(DECLARE_FORM, context.refused);
      web.send(res, 200, {
        title: 'Déclarer ma structure', section: 'annuaire', context, stylesheets: css,
        lead: 'Votre structure accompagne des associations vers des outils libres ? Déclarez-la : après confirmation de votre adresse et validation par l’équipe d’animation, elle apparaîtra dans l’annuaire dès qu’une association que vous avez accompagnée l’aura recommandée.',
        children: (
          <>
            <ProviderForm action="/annuaire/declarer" state={state} token={context.formToken} withEmail label="Déclarer ma structure" submit="Envoyer la déclaration" />
            <p>Déjà déclarée ? <a href="/annuaire/gerer">Gérer votre fiche</a></p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/declarer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      const sent = (email: string) => `Merci ! Un e-mail vient d’être envoyé à ${email} : ouvrez le lien qu’il contient pour confirmer votre déclaration.`;
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/declarer', { notice: sent(fields.email ?? 'votre adresse') });
      const read = readProvider(fields, true);
      if (!read.input || !read.email) return web.refuse(req, res, '/annuaire/declarer', { form: DECLARE_FORM, values: fields, errors: read.errors });
      const email = read.email;
      if (!(await web.admit(req, res, { form: DECLARE_FORM, perAddress: 5, perEmail: 3 }, { form: DECLARE_FORM, to: '/annuaire/declarer', values: fields, field: 'nom', email }))) return;
      const key = createHash('sha256').update(JSON.stringify([foldText(read.input.name), email])).digest('hex');
      let created = false;
      try {
        await directory.declare({ role: 'anonymous', learnerId: null, displayName: null }, read.input, req.ip, {
          key, email,
          within: async (trx, provider) => {
            created = true;
            const token = await createLink(trx, 'confirm-declaration', provider.id, now());
            await queueMails(trx, [declarationConfirmMail(provider, email, web.absolute(`/annuaire/confirmer?jeton=${token}`, req))]);
          },
        });
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        return web.refuse(req, res, '/annuaire/declarer', { form: DECLARE_FORM, values: fields, errors: { nom: err.message } });
      }
      web.redirect(req, res, '/annuaire/declarer', { notice: created ? sent(email) : `Cette déclaration nous est déjà parvenue : confirmez-la avec le lien de l’e-mail envoyé à ${email}.` });
    } catch (err) {
      next(err);
    }
  });

  // ---- « Gérer ma fiche » ------------------------------------------------------------------

  router.get('/annuaire/gerer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = typeof req.query.jeton === 'string' ? req.query.jeton : '';
      const linkState = formState(LINK_FORM, context.refused);
      const link = token ? await peekLink(directory.db, token, now()) : undefined;
      if (link?.purpose === 'sign-in') {
        const provider = await directory.providerById(link.subjectId);
        web.send(res, 200, {
          title: 'Gérer ma fiche', section: 'annuaire', context, stylesheets: css,
          children: (
            <PostForm action="/annuaire/gerer" token={context.formToken} honeypot label="Ouvrir la gestion de ma fiche">
              <input type="hidden" name="jeton" value={token} />
              <p>{`Ce lien ouvre la gestion de la fiche « ${provider?.name ?? ''} » dans ce navigateur, pour deux heures.`}</p>
              <button type="submit" class="primary">Ouvrir la gestion de ma fiche</button>
            </PostForm>
          ),
        });
        return;
      }
      const providerId = await sessionOf(req);
      const provider = providerId === undefined ? undefined : await directory.providerById(providerId);
      if (!provider) {
        web.send(res, token ? 410 : 200, {
          title: 'Gérer ma fiche', section: 'annuaire', context, stylesheets: css,
          children: (
            <>
              {token ? <p class="error">Ce lien de connexion a expiré ou a déjà servi : demandez-en un nouveau ci-dessous.</p> : null}
              <LinkRequest state={linkState} token={context.formToken} />
              <p>Pas encore dans l’annuaire ? <a href="/annuaire/declarer">Déclarer ma structure</a></p>
            </>
          ),
        });
        return;
      }
      const editState = formState(EDIT_FORM, context.refused, providerValues(provider));
      const projectList = projects ? await projects(provider.id) : [];
      const withdrawState = formState(WITHDRAW_FORM, context.refused);
      const open = provider.status === 'approved' || provider.status === 'pending';
      web.send(res, 200, {
        title: `Gérer ma fiche : ${provider.name}`, heading: provider.name, section: 'annuaire', context, stylesheets: css,
        children: (
          <div class="manage">
            <section class="card" aria-labelledby="titre-etat">
              <h2 id="titre-etat">État de la fiche</h2>
              <p>{STATUS_TEXT[provider.status]}{provider.status === 'approved' && !provider.listed ? ' Elle apparaîtra dans l’annuaire dès qu’une recommandation d’association aura été vérifiée.' : ''}</p>
              {provider.listed ? <p><a href={`/annuaire/${provider.slug}`}>Voir votre fiche publique</a></p> : null}
              {open ? <p>{'Envoyez ce lien aux associations que vous avez accompagnées pour qu’elles vous recommandent : '}<a href={`/annuaire/${provider.slug}/recommander`}>{web.absolute(`/annuaire/${provider.slug}/recommander`, req)}</a></p> : null}
            </section>
            {projectList.length ? (
              <section class="card" aria-labelledby="titre-projets">
                <h2 id="titre-projets">Vos projets d’accompagnement</h2>
                <ul>{projectList.map((p) => <li><a href={p.href}>{p.label}</a>{` — ${p.state}`}</li>)}</ul>
              </section>
            ) : null}
            {open ? (
              <section aria-labelledby="titre-modifier">
                <h2 id="titre-modifier">Modifier la fiche</h2>
                <ProviderForm action="/annuaire/gerer/fiche" state={editState} token={context.formToken} withEmail={false} label="Modifier la fiche" submit="Enregistrer les modifications">
                  <p class="notice">Un changement de nom, de site web ou de territoires retire la fiche de l’annuaire jusqu’à une nouvelle validation par l’équipe d’animation. Les autres changements s’appliquent tout de suite.</p>
                </ProviderForm>
              </section>
            ) : null}
            {open ? (
              <section aria-labelledby="titre-retirer">
                <h2 id="titre-retirer">Retirer la fiche</h2>
                <PostForm action="/annuaire/gerer/retrait" token={context.formToken} honeypot label="Retirer la fiche">
                  <Checkbox state={withdrawState} name="confirme" required label="Je retire ma structure de l’annuaire (pour y revenir, il faudra la déclarer de nouveau)." idPrefix="retrait" />
                  <button type="submit">Retirer la fiche</button>
                </PostForm>
              </section>
            ) : null}
            <PostForm action="/annuaire/gerer/fin" token={context.formToken} label="Terminer" class="inline">
              <button type="submit">Terminer et fermer la gestion</button>
            </PostForm>
          </div>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/gerer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/gerer');
      if (!(await web.admit(req, res, { form: 'annuaire-ouverture', perAddress: 30 }, { form: LINK_FORM, to: '/annuaire/gerer', values: {}, field: 'email' }))) return;
      const link = await useLink(directory.db, fields.jeton ?? '', ['sign-in'], now());
      if (!link) return web.refuse(req, res, '/annuaire/gerer', { form: LINK_FORM, values: {}, errors: { email: 'Ce lien de connexion a expiré ou a déjà servi : demandez-en un nouveau.' } });
      const session = await openManagerSession(directory.db, link.subjectId, now());
      res.append('Set-Cookie', managerCookie(session, req.secure));
      web.redirect(req, res, '/annuaire/gerer', { notice: 'Vous pouvez gérer votre fiche pendant deux heures dans ce navigateur.' });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/gerer/lien', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      // The same answer whether or not the address is known: the form tells nobody who is in the directory.
      const notice = 'Si cette adresse est celle d’une structure de l’annuaire, un lien de connexion valable 30 minutes vient de lui être envoyé.';
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/gerer', { notice });
      const email = (fields.email ?? '').trim().toLowerCase();
      if (!EMAIL.test(email) || email.length > 200) return web.refuse(req, res, '/annuaire/gerer', { form: LINK_FORM, values: fields, errors: { email: 'adresse e-mail invalide : elle doit ressembler à nom@exemple.org' } });
      if (!(await web.admit(req, res, { form: LINK_FORM, perAddress: 10, perEmail: 3 }, { form: LINK_FORM, to: '/annuaire/gerer', values: fields, field: 'email', email }))) return;
      await directory.db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom('directory_providers').select('id').where('manager_email', '=', email).where('status', 'in', ['pending', 'approved']).orderBy('id').execute();
        const providers = (await Promise.all(rows.map((r) => directory.providerById(Number(r.id), trx)))).filter((p): p is Provider => p !== undefined);
        if (providers.length === 0) return;
        const links: string[] = [];
        for (const p of providers) links.push(web.absolute(`/annuaire/gerer?jeton=${await createLink(trx, 'sign-in', p.id, now())}`, req));
        await queueMails(trx, [signInMail(providers, email, links)]);
      });
      web.redirect(req, res, '/annuaire/gerer', { notice });
    } catch (err) {
      next(err);
    }
  });

  /** The signed-in structure, or a redirect to the link form (session over). */
  async function signedIn(req: Request, res: Response): Promise<Provider | undefined> {
    const id = await sessionOf(req);
    const provider = id === undefined ? undefined : await directory.providerById(id);
    if (!provider) web.redirect(req, res, '/annuaire/gerer', { notice: 'Votre session de gestion a pris fin : demandez un nouveau lien de connexion.' });
    return provider;
  }

  router.post('/annuaire/gerer/fiche', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/gerer');
      const provider = await signedIn(req, res);
      if (!provider) return;
      const read = readProvider(fields, false, provider);
      if (!read.input) return web.refuse(req, res, '/annuaire/gerer', { form: EDIT_FORM, values: fields, errors: read.errors });
      if (!(await web.admit(req, res, { form: EDIT_FORM, perAddress: 30 }, { form: EDIT_FORM, to: '/annuaire/gerer', values: fields, field: 'nom' }))) return;
      let after: Provider;
      try {
        after = await directory.updateAsManager(provider.id, read.input);
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        return web.refuse(req, res, '/annuaire/gerer', { form: EDIT_FORM, values: fields, errors: { nom: err.message } });
      }
      const review = provider.status === 'approved' && after.status === 'pending';
      web.redirect(req, res, '/annuaire/gerer', {
        notice: review ? 'Fiche enregistrée. Ce changement doit être validé : la fiche est retirée de l’annuaire jusqu’à une nouvelle validation par l’équipe d’animation.' : 'Fiche enregistrée.',
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/gerer/retrait', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/gerer');
      const provider = await signedIn(req, res);
      if (!provider) return;
      if (fields.confirme !== 'oui') return web.refuse(req, res, '/annuaire/gerer', { form: WITHDRAW_FORM, values: fields, errors: { confirme: 'cochez la case pour confirmer le retrait' } });
      await directory.withdrawAsManager(provider.id);
      web.redirect(req, res, '/annuaire/gerer', { notice: 'Votre fiche est retirée de l’annuaire.' });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/gerer/fin', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      await closeManagerSession(directory.db, readCookie(req.headers.cookie, MANAGER_COOKIE));
      res.append('Set-Cookie', managerCookie('', req.secure));
      web.redirect(req, res, '/annuaire/gerer', { notice: 'La gestion de votre fiche est fermée dans ce navigateur.' });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
