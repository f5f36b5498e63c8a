/** The facilitators' moderation page of the directory (server-side JSX, inside the web layer's shell). */
import { PageNav } from '../web/pager.js';
import { de } from '../text/french.js';
import { frenchShortDateTime } from '../web/format.js';
import { CsrfField } from '../web/forms.js';
import { stylesheet } from '../web/styles.js';
import { ANSWER_LABELS, CRITERIA, PROVIDER_KINDS, SERVICES, type CriterionId, type ModerationEvent, type Provider, type Recommendation } from './model.js';
import { territoryLabel } from './territories.js';

/** Items of each list shown on a page (5,000 pending recommendations made a 12 MB page). */
export const MODERATION_PAGE_SIZE = 20;

/** The moderation page's own rules: items as cards without bullets, the two decision forms one under the other. */
export const MODERATION_STYLESHEET = stylesheet(`
ul.moderation { list-style: none; padding: 0; margin: .5rem 0; }
ul.moderation > li { overflow-wrap: anywhere; }
ul.moderation h3 { font-size: 1.05rem; margin: 0 0 .35rem; }
.decisions form { display: flex; flex-wrap: wrap; gap: .35rem .5rem; align-items: center; margin: .5rem 0; }
.decisions label { font-weight: 600; }
.decisions input { font: inherit; padding: .35rem; border: 2px solid #6b6b6b; border-radius: 6px; max-width: 100%; }
`);

/** The accompaniment project behind a recommendation, as facilitators read it when they verify. */
export interface LinkedProject {
  title: string;
  state: string;
  events: Array<{ at: string; what: string; note: string | null; by: string }>;
}

export interface ModerationView {
  /** The moderation page's path (/dashboard/annuaire). */
  base: string;
  /** The dashboard's path, linked back to. */
  home: string;
  providers: Provider[];
  providerCount: number;
  recommendations: Array<Recommendation & { provider: Provider }>;
  recommendationCount: number;
  /** The page of each list shown. */
  pages: { providers: number; recommendations: number };
  history: Array<ModerationEvent & { label: string }>;
  /** The projects behind linked recommendations, by id. */
  projects?: Map<number, LinkedProject> | undefined;
  csrfToken: string;
  /** A French confirmation or error after a decision. */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
}

const ACTION_LABELS: Record<ModerationEvent['action'], string> = {
  declared: 'déclarée', updated: 'mise à jour', approved: 'validée', rejected: 'refusée', withdrawn: 'retirée', recommended: 'reçue', verified: 'vérifiée', replaced: 'remplacée',
};

/** The query of a moderation page (both lists' pages), without the defaults. */
export function moderationQuery(pages: { providers: number; recommendations: number }): string {
  const params = new URLSearchParams();
  if (pages.providers > 1) params.set('declarations', String(pages.providers));
  if (pages.recommendations > 1) params.set('recommandations', String(pages.recommendations));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function Time(props: { value: string }) {
  return <time datetime={new Date(props.value).toISOString()}>{frenchShortDateTime(props.value)}</time>;
}

function DecisionForms(props: { view: ModerationView; subject: 'provider' | 'recommendation'; id: string; label: string }) {
  const { view, subject, id, label } = props;
  const key = `${subject}-${id}`;
  const action = `${view.base}/decision${moderationQuery(view.pages)}`;
  const hidden = (decision: 'approve' | 'reject') => (
    <>
      <CsrfField token={view.csrfToken} />
      <input type="hidden" name="subject" value={subject} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="decision" value={decision} />
    </>
  );
  return (
    <div class="decisions">
      <form method="post" action={action}>
        {hidden('approve')}
        <label for={`motif-ok-${key}`}>Commentaire (facultatif)</label> <input id={`motif-ok-${key}`} name="reason" maxLength={500} />{' '}
        <button class="primary" type="submit" aria-label={`Valider ${label}`}>Valider</button>
      </form>
      <form method="post" action={action}>
        {hidden('reject')}
        <label for={`motif-non-${key}`}>Motif du refus (obligatoire)</label> <input id={`motif-non-${key}`} name="reason" required maxLength={500} />{' '}
        <button type="submit" aria-label={`Refuser ${label}`}>Refuser</button>
      </form>
    </div>
  );
}

function ProviderItem(props: { view: ModerationView; provider: Provider }) {
  const p = props.provider;
  return (
    <li class="card" data-provider={p.slug}>
      <h3>{p.name} <span class="badge">{PROVIDER_KINDS[p.kind]}</span></h3>
      <p>{p.description}</p>
      <p class="meta">
        {`Services : ${p.services.map((s) => SERVICES[s]).join(', ')} — Territoires : ${p.territories.map(territoryLabel).join(', ')}`}
        {p.website ? <>{' — Site : '}<a href={p.website} rel="nofollow noopener">{p.website}</a></> : null}
        {' — Déclarée le '}<Time value={p.createdAt} />
      </p>
      <DecisionForms view={props.view} subject="provider" id={p.slug} label={p.name} />
    </li>
  );
}

function Questionnaire(props: { recommendation: Recommendation }) {
  const r = props.recommendation;
  return (
    <table class="stack">
      <caption>Questionnaire de critères vérifiables</caption>
      <thead><tr><th scope="col">Critère</th><th scope="col">Réponse</th><th scope="col">Commentaire</th></tr></thead>
      <tbody>
        {(Object.keys(CRITERIA) as CriterionId[]).map((c) => (
          <tr>
            <th scope="row">{CRITERIA[c]}</th>
            <td data-label="Réponse" data-answer={r.questionnaire[c].answer}>{ANSWER_LABELS[r.questionnaire[c].answer]}</td>
            <td data-label="Commentaire">{r.questionnaire[c].comment ?? <span class="empty">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RecommendationItem(props: { view: ModerationView; recommendation: Recommendation & { provider: Provider } }) {
  const r = props.recommendation;
  return (
    <li class="card" data-recommendation={r.id}>
      <h3>{`${r.associationName} recommande ${r.provider.name}`}</h3>
      <p class="meta">
        {'Contact pour vérifier : '}<a href={`mailto:${r.verificationContact}`}>{r.verificationContact}</a>
        {r.rna ? ` — RNA ${r.rna}` : ''}{` — Projet : ${r.periodStart}${r.periodEnd ? ` à ${r.periodEnd}` : ''}`}
        {r.provider.status !== 'approved' ? <>{' — '}<strong>structure pas encore validée</strong></> : null}
      </p>
      <p>{r.work}</p>
      {r.tools.length ? <p class="meta">{`Outils déployés : ${r.tools.join(', ')}`}</p> : null}
      {r.projectId !== null ? <ProjectHistory id={r.id} project={props.view.projects?.get(r.projectId)} /> : null}
      <Questionnaire recommendation={r} />
      {r.quote ? <blockquote>{`« ${r.quote} » `}{r.quoteConsent ? '(publication acceptée)' : <span class="empty">(publication refusée : ne sera pas affichée)</span>}</blockquote> : null}
      <DecisionForms view={props.view} subject="recommendation" id={String(r.id)} label={`la recommandation ${de(r.associationName)}`} />
    </li>
  );
}

/** A linked recommendation's project, its milestones and notes as both sides wrote them. */
function ProjectHistory(props: { id: number; project: LinkedProject | undefined }) {
  const p = props.project;
  if (!p) return <p class="meta"><strong>Après un projet accompagné</strong> (le projet n’est plus disponible).</p>;
  return (
    <details class="project-history" open>
      <summary>{`Après un projet accompagné : ${p.title} (${p.state.toLowerCase()})`}</summary>
      <table class="stack">
        <caption>Historique du projet, noté par l’association et la structure</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">Étape</th><th scope="col">Par</th><th scope="col">Note</th></tr></thead>
        <tbody>
          {p.events.map((e) => (
            <tr>
              <td data-label="Date"><Time value={e.at} /></td>
              <th scope="row">{e.what}</th>
              <td data-label="Par">{e.by}</td>
              <td data-label="Note">{e.note ?? <span class="empty">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const pagesOf = (count: number) => Math.max(1, Math.ceil(count / MODERATION_PAGE_SIZE));

export function ModerationContent(props: { view: ModerationView }) {
  const v = props.view;
  const providerPages = pagesOf(v.providerCount);
  const recommendationPages = pagesOf(v.recommendationCount);
  return (
    <>
      <p><a href={v.home}>Retour au tableau de bord</a> · <a href="/annuaire">Voir l’annuaire public</a></p>
      {v.flash ? <p class={v.flash.kind === 'ok' ? 'ok' : 'error'} role="status" id="resultat-decision">{v.flash.text}</p> : null}
      <p class="meta">Une structure n’est publiée qu’une fois validée et recommandée par au moins une association dont la recommandation a été vérifiée (contactez l’association avant de valider). Chaque décision est conservée avec son motif.</p>
      <section class="card" id="declarations-en-attente" aria-labelledby="titre-declarations">
        <h2 id="titre-declarations">{`Déclarations de structures en attente (${v.providerCount})`}</h2>
        {v.providers.length ? (
          <ul class="moderation" id="declarations">{v.providers.map((p) => <ProviderItem view={v} provider={p} />)}</ul>
        ) : <p class="empty" id="aucune-declaration">Aucune déclaration en attente.</p>}
        <PageNav label="Pages des déclarations" page={Math.min(v.pages.providers, providerPages)} pages={providerPages} href={(page) => `${v.base}${moderationQuery({ ...v.pages, providers: page })}#declarations-en-attente`} />
      </section>
      <section class="card" id="recommandations-en-attente" aria-labelledby="titre-recommandations">
        <h2 id="titre-recommandations">{`Recommandations en attente (${v.recommendationCount})`}</h2>
        {v.recommendations.length ? (
          <ul class="moderation" id="recommandations">{v.recommendations.map((r) => <RecommendationItem view={v} recommendation={r} />)}</ul>
        ) : <p class="empty" id="aucune-recommandation">Aucune recommandation en attente.</p>}
        <PageNav label="Pages des recommandations" page={Math.min(v.pages.recommendations, recommendationPages)} pages={recommendationPages} href={(page) => `${v.base}${moderationQuery({ ...v.pages, recommendations: page })}#recommandations-en-attente`} />
      </section>
      <section class="card" id="historique" aria-labelledby="titre-historique">
        <h2 id="titre-historique">Historique</h2>
        {v.history.length ? (
          <table class="stack" id="table-historique">
            <caption>Dernières décisions, les plus récentes d’abord</caption>
            <thead><tr><th scope="col">Quoi</th><th scope="col">Décision</th><th scope="col">Motif</th><th scope="col">Par</th><th scope="col">Date</th></tr></thead>
            <tbody>
              {v.history.map((e) => (
                <tr>
                  <th scope="row">{e.label}</th>
                  <td data-label="Décision">{ACTION_LABELS[e.action]}</td>
                  <td data-label="Motif">{e.reason ?? <span class="empty">—</span>}</td>
                  <td data-label="Par">{e.actor}</td>
                  <td data-label="Date"><Time value={e.at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p class="empty">Aucune décision pour l’instant.</p>}
      </section>
    </>
  );
}
