/**
 * GET /  the home page for people: the parcours, the next workshops, the directory, and where
 * learners and facilitators sign in. API clients and the explorer are at /graphql and /explorer.
 */
import express, { type Router } from 'express';
import type { AgendaService } from '../agenda/service.js';
import { groups, groupTitles, type CurriculumModule } from '../curriculum/schema.js';
import type { DirectoryService } from '../directory/service.js';
import { frenchDateTime } from '../web/format.js';
import type { Web } from '../web/web.js';

export interface HomeDeps {
  curriculum: readonly CurriculumModule[];
  agenda?: AgendaService | undefined;
  directory?: DirectoryService | undefined;
}

/** Upcoming sessions the home page shows. */
const NEXT_SESSIONS = 5;

function hours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
}

export function createHomeRouter(deps: HomeDeps, web: Web): Router {
  const router = express.Router();
  router.get('/', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      // A store out of reach leaves its part of the page saying so; the rest still shows.
      const [sessions, providers] = await Promise.all([
        deps.agenda?.list({ from: new Date().toISOString(), includePrivate: false, limit: NEXT_SESSIONS }).then((r) => r.sessions, () => null),
        deps.directory?.providers({}, 1).then((p) => p.totalCount, () => null),
      ]);
      const total = deps.curriculum.reduce((sum, m) => sum + m.estimatedMinutes, 0);
      const staff = context.viewer.role === 'facilitator' || context.viewer.role === 'admin';
      web.send(res, 200, {
        title: 'Accueil',
        heading: 'Pollen, pour passer au logiciel libre entre associations',
        lead: 'Une formation en ligne, des ateliers près de chez vous et un annuaire de structures recommandées par les associations qu’elles ont accompagnées.',
        section: 'accueil',
        context,
        children: (
          <>
            <section class="card" aria-labelledby="titre-parcours">
              <h2 id="titre-parcours">Le parcours de formation</h2>
              <p>{`${deps.curriculum.length} modules, environ ${hours(total)} en tout, à suivre à votre rythme.`}</p>
              <ul class="cards">
                {groups.map((group) => {
                  const modules = deps.curriculum.filter((m) => m.group === group);
                  if (modules.length === 0) return null;
                  return (
                    <li>
                      <h3>{groupTitles[group]}</h3>
                      <ol start={modules[0]!.order}>
                        {modules.map((m) => <li><a href={`/parcours/${m.slug}`}>{m.title}</a></li>)}
                      </ol>
                    </li>
                  );
                })}
              </ul>
              <p><a href="/parcours">Voir tout le parcours</a></p>
            </section>
            <section class="card" aria-labelledby="titre-agenda">
              <h2 id="titre-agenda">Les prochains ateliers</h2>
              {sessions === null ? <p class="notice">L’agenda est momentanément indisponible.</p>
                : !sessions || sessions.length === 0 ? <p class="empty">Aucun atelier n’est prévu pour le moment.</p>
                : (
                  <ul>
                    {sessions.map((s) => (
                      <li>
                        <a href={`/agenda/sessions/${s.id}`}>{s.title}</a>
                        {` — ${frenchDateTime(s.startsAt)}, ${s.place.onlineUrl && !s.place.address ? 'en ligne' : (s.place.address ?? 'lieu à venir')}${s.status === 'cancelled' ? ' (annulé)' : ''}`}
                      </li>
                    ))}
                  </ul>
                )}
              <p><a href="/agenda">Tout l’agenda</a></p>
            </section>
            <section class="card" aria-labelledby="titre-annuaire">
              <h2 id="titre-annuaire">L’annuaire des structures qui accompagnent</h2>
              <p>
                {providers === null ? 'L’annuaire est momentanément indisponible.'
                  : typeof providers === 'number' ? `${providers} structure${providers > 1 ? 's' : ''} recommandée${providers > 1 ? 's' : ''} par des associations.`
                  : 'Des structures recommandées par des associations.'}
              </p>
              <ul>
                <li><a href="/diagnostic">Faire le diagnostic des besoins numériques de votre association</a></li>
                <li><a href="/annuaire">Chercher une structure près de chez vous</a></li>
                <li><a href="/annuaire/declarer">Déclarer votre structure</a></li>
                <li><a href="/besoins-logiciels">Les logiciels libres qui manquent aux associations : proposer un besoin, le soutenir, le réaliser</a></li>
              </ul>
            </section>
            <section class="card" aria-labelledby="titre-connexion">
              <h2 id="titre-connexion">Votre espace</h2>
              <ul>
                {context.viewer.role === 'anonymous' ? (
                  <>
                    <li><a href="/connexion">Se connecter ou créer un compte d’apprenant·e</a></li>
                    <li><a href="/dashboard/connexion">Connexion des animateur·rices</a></li>
                  </>
                ) : null}
                {context.viewer.role === 'learner' ? <li><a href="/mon-parcours">Mon parcours</a></li> : null}
                {staff ? <li><a href="/dashboard">Le tableau de bord</a></li> : null}
              </ul>
            </section>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
