/**
 * The directory's public pages beside the list (src/directory/routes.ts):
 *   GET  /annuaire/<slug>                 a listed structure and its verified recommendations
 *   GET  /annuaire/<slug>/recommander     the recommendation form; POST sends it (then a mailed link)
 *   GET  /annuaire/confirmer?jeton=…      a confirm button (mail scanners open links); POST confirms
 *   /annuaire/declarer and /annuaire/gerer: manage-routes.tsx
 * Every POST: same origin, form token, honeypot, limits per address and per e-mail, post/redirect/get.
 */
import express, { type Router } from 'express';
import { queueMails } from '../../mail/index.js';
import { de } from '../../text/french.js';
import { formState, PostForm } from '../../web/forms.js';
import type { Web } from '../../web/web.js';
import { createLink, peekLink, useLink } from '../access.js';
import { recommendationConfirmMail } from '../mails.js';
import { DirectoryError, RESERVED_SLUGS, type Provider } from '../model.js';
import type { DirectoryService } from '../service.js';
import { providerPageTitle } from '../wiki-pages.js';
import { PROVIDER_PAGES_CSS } from './common.js';
import { createManagePages, type ManagedProjects } from './manage-routes.js';
import { ProviderView } from './provider-page.js';
import { readRecommendation, RecommendForm, RECOMMEND_FORM } from './recommend-form.js';

export interface ProviderPagesOptions {
  /** The wiki's page URL for a title; absent: no wiki link. */
  wikiPageUrl?: ((title: string) => string) | undefined;
  /** The pages' clock (specs). */
  now?: () => Date;
  /**
   * Accompaniment projects (src/matchmaking/projects, wired by src/server.ts): a done project's
   * private link (`?projet=`) prefills the form, and the recommendation names the project.
   */
  projects?: {
    forRecommendation(token: string): Promise<{ projectId: number; providerId: number; values: Record<string, string> } | undefined>;
    /** The structure's projects, listed on « Gérer ma fiche ». */
    ofProvider?: ManagedProjects;
  } | undefined;
}

const CONFIRM_FORM = 'annuaire-confirmation';

/** A provider that can be recommended: declared and confirmed, not withdrawn nor refused (listed or not yet). */
function recommendable(p: Provider | undefined): p is Provider {
  return p !== undefined && (p.status === 'approved' || p.status === 'pending');
}

export function createProviderPages(directory: DirectoryService, web: Web, options: ProviderPagesOptions = {}): Router {
  const router = express.Router();
  const now = options.now ?? (() => new Date());
  const css = [PROVIDER_PAGES_CSS];
  // Before /annuaire/<slug>: these paths are never a structure's slug (RESERVED_SLUGS).
  router.use(createManagePages(directory, web, now, options.projects?.ofProvider));

  router.get('/annuaire/confirmer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = typeof req.query.jeton === 'string' ? req.query.jeton : '';
      const link = token ? await peekLink(directory.db, token, now()) : undefined;
      const state = formState(CONFIRM_FORM, context.refused);
      if (!link) {
        const status = token ? 410 : 200;
        web.send(res, status, {
          title: 'Confirmation', section: 'annuaire', context, stylesheets: css,
          children: token || state.errors.jeton
            ? <p class="error">{state.errors.jeton ?? 'Ce lien de confirmation a expiré ou a déjà servi. Si vous avez déjà confirmé, vous n’avez rien d’autre à faire.'}</p>
            : context.notice ? <p><a href="/annuaire">Retour à l’annuaire</a></p> : <p>Rien à confirmer ici : ouvrez le lien reçu par e-mail.</p>,
        });
        return;
      }
      const what = link.purpose === 'confirm-recommendation' ? 'votre recommandation' : 'la déclaration de votre structure';
      web.send(res, 200, {
        title: link.purpose === 'confirm-recommendation' ? 'Confirmer votre recommandation' : 'Confirmer votre déclaration',
        section: 'annuaire', context, stylesheets: css,
        children: (
          <PostForm action="/annuaire/confirmer" token={context.formToken} honeypot label="Confirmer">
            <input type="hidden" name="jeton" value={token} />
            <p>{`Cliquez sur le bouton pour confirmer ${what}. L’équipe d’animation la recevra ensuite pour la vérifier.`}</p>
            <button type="submit" class="primary">Confirmer</button>
          </PostForm>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/confirmer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/annuaire/confirmer', { notice: 'Merci : c’est confirmé.' });
      const token = fields.jeton ?? '';
      const back = `/annuaire/confirmer?jeton=${encodeURIComponent(token.slice(0, 100))}`;
      if (!(await web.admit(req, res, { form: CONFIRM_FORM, perAddress: 30 }, { form: CONFIRM_FORM, to: back, values: {}, field: 'jeton' }))) return;
      const notice = await directory.db.transaction().execute(async (trx) => {
        const link = await useLink(trx, token, ['confirm-recommendation', 'confirm-declaration'], now());
        if (!link) return undefined;
        if (link.purpose === 'confirm-recommendation') {
          await directory.confirmRecommendation(trx, link.subjectId);
          return 'Merci : votre recommandation est confirmée. L’équipe d’animation va vous contacter pour la vérifier, puis la publier.';
        }
        await directory.confirmDeclaration(trx, link.subjectId);
        return 'Merci : votre déclaration est confirmée. L’équipe d’animation va l’examiner ; vous recevrez vos liens de gestion à la même adresse.';
      });
      if (!notice) return web.refuse(req, res, '/annuaire/confirmer', { form: CONFIRM_FORM, values: {}, errors: { jeton: 'Ce lien de confirmation a expiré ou a déjà servi. Si vous avez déjà confirmé, vous n’avez rien d’autre à faire.' } });
      web.redirect(req, res, '/annuaire/confirmer', { notice });
    } catch (err) {
      next(err);
    }
  });

  router.get('/annuaire/:slug', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const slug = String(req.params.slug);
      const provider = RESERVED_SLUGS.includes(slug) ? undefined : await directory.provider(slug);
      if (!provider?.listed) return web.notFound(res, context, 'Cette structure n’est pas dans l’annuaire : elle a peut-être retiré sa fiche, ou attend encore d’être validée.');
      const recommendations = await directory.recommendations([provider.id], ['verified']);
      const wikiUrl = options.wikiPageUrl ? options.wikiPageUrl(providerPageTitle(provider)) : null;
      web.send(res, 200, {
        title: provider.name, section: 'annuaire', context, stylesheets: css,
        children: <ProviderView provider={provider} recommendations={recommendations} wikiUrl={wikiUrl} />,
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/annuaire/:slug/recommander', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const provider = await directory.provider(String(req.params.slug));
      if (!recommendable(provider)) return web.notFound(res, context, 'Cette structure ne peut pas être recommandée : elle n’est pas (ou plus) dans l’annuaire.');
      const projectToken = typeof req.query.projet === 'string' ? req.query.projet : '';
      const project = projectToken ? await options.projects?.forRecommendation(projectToken) : undefined;
      if (projectToken && project?.providerId !== provider.id) return web.notFound(res, context, 'Ce lien ne correspond à aucun projet terminé avec cette structure.');
      // The project's link is private: never sent on as a Referer.
      if (project) res.set('Referrer-Policy', 'no-referrer');
      const state = formState(RECOMMEND_FORM, context.refused, project?.values);
      web.send(res, 200, {
        title: `Recommander ${provider.name}`, section: 'annuaire', context, stylesheets: css,
        lead: project
          ? 'Votre projet d’accompagnement est terminé : le questionnaire reprend ce que vous avez noté pendant le projet. Relisez-le, complétez-le et envoyez-le ; après vérification par l’équipe d’animation, votre recommandation paraîtra comme « après un projet accompagné ».'
          : 'Votre association a mené un projet avec cette structure ? Racontez-le : après vérification par l’équipe d’animation, votre recommandation aidera d’autres associations à choisir.',
        children: (
          <>
            <RecommendForm provider={provider} state={state} token={context.formToken} now={now()} project={project ? projectToken : undefined} />
            <p>{provider.listed ? <a href={`/annuaire/${provider.slug}`}>{`Retour à la fiche ${de(provider.name)}`}</a> : <a href="/annuaire">Retour à l’annuaire</a>}</p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/annuaire/:slug/recommander', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const provider = await directory.provider(String(req.params.slug));
      if (!recommendable(provider)) return web.notFound(res, undefined, 'Cette structure ne peut pas être recommandée : elle n’est pas (ou plus) dans l’annuaire.');
      const fields = web.fields(req);
      const projectToken = (fields.projet ?? '').slice(0, 100);
      const back = `/annuaire/${provider.slug}/recommander${projectToken ? `?projet=${encodeURIComponent(projectToken)}` : ''}`;
      const done = provider.listed ? `/annuaire/${provider.slug}` : back;
      const sent = (email: string) => `Merci ! Un e-mail vient d’être envoyé à ${email} : ouvrez le lien qu’il contient pour confirmer votre recommandation.`;
      if (web.isRobot(fields)) return web.redirect(req, res, done, { notice: sent(fields.email ?? 'votre adresse') });
      const read = readRecommendation(provider, fields, now());
      if (!read.input || !read.extra || !read.key) return web.refuse(req, res, back, { form: RECOMMEND_FORM, values: fields, errors: read.errors });
      const email = String(read.input.verificationContact);
      const project = projectToken ? await options.projects?.forRecommendation(projectToken) : undefined;
      if (projectToken && project?.providerId !== provider.id) {
        return web.refuse(req, res, back, { form: RECOMMEND_FORM, values: fields, errors: { association: 'Ce lien ne correspond à aucun projet terminé avec cette structure.' } });
      }
      if (project) read.extra.projectId = project.projectId;
      if (!(await web.admit(req, res, { form: RECOMMEND_FORM, perAddress: 5, perEmail: 3 }, { form: RECOMMEND_FORM, to: back, values: fields, field: 'association', email }))) return;
      let result: Awaited<ReturnType<DirectoryService['recommendByForm']>>;
      try {
        result = await directory.recommendByForm(read.input, {
          key: read.key,
          extra: read.extra,
          within: async (trx, rec) => {
            const token = await createLink(trx, 'confirm-recommendation', rec.id, now());
            await queueMails(trx, [recommendationConfirmMail(provider, rec, web.absolute(`/annuaire/confirmer?jeton=${token}`, req))]);
          },
        });
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        const field = err.code === 'SELF_RECOMMENDATION' ? 'email' : 'association';
        return web.refuse(req, res, back, { form: RECOMMEND_FORM, values: fields, errors: { [field]: err.message } });
      }
      web.redirect(req, res, done, {
        notice: result.created ? sent(email) : `Cette recommandation nous est déjà parvenue : confirmez-la avec le lien de l’e-mail envoyé à ${email}.`,
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
