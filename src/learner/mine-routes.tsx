/**
 * « Mon parcours » (/mon-parcours): the learner's progress (the dashboard's own figures), the
 * completion dates, the next module, the quiz attempts; their data to download (JSON, CSV) and
 * the deletion of their account.
 */
import express, { type Router } from 'express';
import { clearedSessionCookie } from '../auth/cookie.js';
import { groupTitles } from '../curriculum/schema.js';
import { Checkbox, formState, PostForm } from '../web/forms.js';
import { frenchDate, frenchDateTime } from '../web/format.js';
import type { Web } from '../web/web.js';
import { learnerDataCsv } from './export.js';
import { learnerOrSignIn } from './guards.js';
import type { LearnerSpace } from './service.js';
import { LEARNER_STYLESHEET } from './styles.js';

export function createMineRouter(space: LearnerSpace, web: Web): Router {
  const router = express.Router();
  const titles = new Map(space.curriculum.map((m) => [m.slug, m]));

  router.get('/mon-parcours', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const learnerId = learnerOrSignIn(req, res, web, context);
      if (!learnerId) return;
      const [progress, attempts] = await Promise.all([space.progressOf(learnerId), space.rows.attempts(learnerId)]);
      const nextModule = progress?.modules.find((m) => m.state !== 'done' && m.state !== 'outside_moodle');
      const nextTitle = nextModule && titles.get(nextModule.slug);
      const state = formState('suppression', context.refused);
      web.send(res, 200, {
        title: 'Mon parcours', section: 'mon-parcours', context, stylesheets: [LEARNER_STYLESHEET],
        children: (
          <>
            <section class="card" aria-labelledby="titre-avancement">
              <h2 id="titre-avancement">Mon avancement</h2>
              {progress ? (
                <>
                  <p id="avancement">{`${progress.percent} % du parcours : ${progress.doneCount} module${progress.doneCount > 1 ? 's' : ''} terminé${progress.doneCount > 1 ? 's' : ''} sur ${progress.moduleCount}.`}</p>
                  <progress max={100} value={progress.percent} aria-labelledby="avancement">{`${progress.percent} %`}</progress>
                  {nextTitle ? <p>Prochain module : <a href={`/parcours/${nextTitle.slug}`}>{nextTitle.title}</a></p> : <p class="ok">Vous avez terminé tout le parcours. Bravo !</p>}
                </>
              ) : <p class="notice">Votre avancement est momentanément indisponible.</p>}
            </section>
            {progress ? (
              <section class="card" aria-labelledby="titre-modules">
                <h2 id="titre-modules">Les modules</h2>
                <table class="stack">
                  <caption>Vos modules, dans l’ordre du parcours</caption>
                  <thead><tr><th scope="col">Module</th><th scope="col">Section</th><th scope="col">État</th></tr></thead>
                  <tbody>
                    {progress.modules.map((m) => {
                      const module = titles.get(m.slug);
                      return (
                        <tr>
                          <th scope="row"><a href={`/parcours/${m.slug}`}>{module?.title ?? m.slug}</a></th>
                          <td data-label="Section">{module ? groupTitles[module.group] : ''}</td>
                          <td data-label="État">{m.state === 'done' ? `terminé${m.completedAt ? ` le ${frenchDate(m.completedAt)}` : ''}` : m.state === 'outside_moodle' ? 'hors Moodle' : 'à faire'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </section>
            ) : null}
            <section class="card" aria-labelledby="titre-tentatives">
              <h2 id="titre-tentatives">Mes quiz</h2>
              {attempts.length === 0 ? <p class="empty">Vous n’avez encore répondu à aucun quiz.</p> : (
                <ul>
                  {[...attempts].reverse().map((a) => (
                    <li>
                      <a href={`/parcours/${a.slug}/tentatives/${a.id}`}>{titles.get(a.slug)?.title ?? a.slug}</a>
                      {` — ${frenchDateTime(a.createdAt)} : ${a.score} sur ${a.total}, ${a.passed ? 'réussi' : 'pas réussi'}`}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section class="card" aria-labelledby="titre-donnees">
              <h2 id="titre-donnees">Mes données</h2>
              <p>Téléchargez tout ce que Pollen garde sur vous : votre compte, votre avancement et vos réponses aux quiz.</p>
              <ul>
                <li><a href="/mon-parcours/donnees.json" download>Mes données au format JSON</a></li>
                <li><a href="/mon-parcours/donnees.csv" download>Mes données au format CSV (tableur)</a></li>
              </ul>
              <h3>Supprimer mon compte</h3>
              <p>Votre compte, votre avancement et vos réponses aux quiz seront effacés, sans retour possible. Les notes d’atelier publiées sur le wiki restent, sans votre nom (il en est retiré avant publication).</p>
              <PostForm action="/mon-parcours/supprimer" token={context.formToken} label="Suppression du compte">
                <Checkbox name="confirmation" label="Je veux supprimer mon compte et toutes mes données" state={state} required />
                <p><button type="submit">Supprimer mon compte</button></p>
              </PostForm>
            </section>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.get(['/mon-parcours/donnees.json', '/mon-parcours/donnees.csv'], web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const learnerId = learnerOrSignIn(req, res, web, context);
      if (!learnerId) return;
      const data = await space.dataOf(learnerId);
      const csv = req.path.endsWith('.csv');
      res.set({
        'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="mes-donnees-pollen.${csv ? 'csv' : 'json'}"`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.send(csv ? learnerDataCsv(data) : `${JSON.stringify(data, null, 2)}\n`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/mon-parcours/supprimer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const context = await web.context(req, res);
      const learnerId = learnerOrSignIn(req, res, web, context);
      if (!learnerId) return;
      if (web.fields(req).confirmation !== 'oui') {
        return web.refuse(req, res, '/mon-parcours#titre-donnees', { form: 'suppression', values: {}, errors: { confirmation: 'cochez la case pour confirmer la suppression.' } });
      }
      await space.deleteAccount(learnerId);
      res.append('Set-Cookie', clearedSessionCookie({ secure: req.secure }));
      web.redirect(req, res, '/', { notice: 'Votre compte et vos données sont supprimés. Merci d’avoir suivi le parcours.' });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
