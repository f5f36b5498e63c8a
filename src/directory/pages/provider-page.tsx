/**
 * GET /annuaire/<slug>: one listed structure, as associations look at it before calling it: what
 * it is and does, where, its training badge, and every verified recommendation with the project
 * behind it (who, when, what was done, which tools replaced which, the verifiable criteria).
 * Unlisted structures (waiting, withdrawn, not yet recommended) are a 404.
 */
import { groupTitles, type Group } from '../../curriculum/schema.js';
import { de } from '../../text/french.js';
import { CRITERIA, FOLLOW_UP_CRITERIA, PROVIDER_KINDS, SERVICES, type CriterionId, type FollowUpId, type Provider, type Recommendation, type TrainingBadge } from '../model.js';
import { territoryLabel } from '../territories.js';
import { answerLabel, frenchList, frenchMonth } from './common.js';

function TrainingFact(props: { badge: TrainingBadge | null }) {
  const { badge } = props;
  if (!badge) return <dd>Pas de parcours de formation Pollen suivi à ce jour.</dd>;
  if (badge.complete) return <dd><span class="badge state-published">Parcours Pollen terminé</span></dd>;
  const parts = badge.parts.map((p) => groupTitles[p as Group] ?? p);
  return <dd>{`Parcours Pollen suivi à ${badge.percent} %${parts.length ? ` (parties terminées : ${frenchList(parts)})` : ''}.`}</dd>;
}

function Contact(props: { contact: string }) {
  const mail = props.contact.includes('@') && !props.contact.includes('://');
  return <a href={mail ? `mailto:${props.contact}` : props.contact}>{props.contact}</a>;
}

/** What the association said of the project, criterion by criterion. */
function Criteria(props: { rec: Recommendation }) {
  const rows: Array<{ label: string; answer: string; comment: string | null }> = [];
  const follow = props.rec.followUp;
  const push = (label: string, r: { answer: 'yes' | 'partial' | 'no'; comment: string | null } | undefined) => {
    if (r) rows.push({ label, answer: answerLabel(r.answer), comment: r.comment });
  };
  push(FOLLOW_UP_CRITERIA.needAssessed, follow.needAssessed);
  for (const id of Object.keys(CRITERIA) as CriterionId[]) {
    push(CRITERIA[id], props.rec.questionnaire[id]);
    if (id === 'usersTrained') push(FOLLOW_UP_CRITERIA.autonomous, follow.autonomous);
  }
  for (const id of Object.keys(FOLLOW_UP_CRITERIA) as FollowUpId[]) {
    if (id !== 'needAssessed' && id !== 'autonomous') push(FOLLOW_UP_CRITERIA[id], follow[id]);
  }
  return (
    <dl class="criteria">
      {rows.map((r) => (
        <>
          <dt>{r.label}</dt>
          <dd>{r.comment ? `${r.answer} (${r.comment})` : r.answer}</dd>
        </>
      ))}
    </dl>
  );
}

function RecommendationItem(props: { rec: Recommendation }) {
  const { rec } = props;
  const after = rec.projectId !== null;
  const when = rec.periodEnd && rec.periodEnd !== rec.periodStart ? `${de(frenchMonth(rec.periodStart))} à ${frenchMonth(rec.periodEnd)}` : `en ${frenchMonth(rec.periodStart)}`;
  const tools = rec.replacedTools.length && rec.tools.length
    ? `Outils remplacés : ${frenchList(rec.replacedTools)}, par ${frenchList(rec.tools)}.`
    : rec.tools.length ? `Outils libres mis en place : ${frenchList(rec.tools)}.` : null;
  return (
    <li data-recommendation={rec.id}>
      <h3>{rec.associationName}</h3>
      {after ? <p><span class="badge state-published">après un projet accompagné</span></p> : null}
      <p class="meta">{`Projet mené ${when}${after ? ', suivi étape par étape sur Pollen' : ''}`}</p>
      <p>{rec.work}</p>
      {tools ? <p>{tools}</p> : null}
      <Criteria rec={rec} />
      {rec.quote && rec.quoteConsent ? <blockquote><p>{rec.quote}</p></blockquote> : null}
    </li>
  );
}

export function ProviderView(props: { provider: Provider; recommendations: readonly Recommendation[]; wikiUrl: string | null }) {
  const p = props.provider;
  const count = props.recommendations.length;
  const linked = props.recommendations.filter((r) => r.projectId !== null);
  const others = props.recommendations.filter((r) => r.projectId === null);
  return (
    <>
      <p class="lead">{p.description}</p>
      <dl class="provider-facts">
        <div>
          <dt>Type de structure</dt>
          <dd>{PROVIDER_KINDS[p.kind]}</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd><ul>{p.services.map((s) => <li>{SERVICES[s]}</li>)}</ul></dd>
        </div>
        <div>
          <dt>Territoires</dt>
          <dd><ul>{p.territories.map((t) => <li>{territoryLabel(t)}</li>)}</ul>{p.address ? <p>{`Installée à ${p.address.city}`}</p> : null}</dd>
        </div>
        <div>
          <dt>Formation</dt>
          <TrainingFact badge={p.training} />
        </div>
        <div>
          <dt>Contact</dt>
          <dd>
            {p.publicContact ? <p><Contact contact={p.publicContact} /></p> : <p>La structure n’affiche pas de contact : passez par son site web.</p>}
            {p.website ? <p><a href={p.website}>{`Site web ${de(p.name)}`}</a></p> : null}
          </dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="titre-recommandations">
        <h2 id="titre-recommandations">{count > 1 ? `${count} recommandations vérifiées` : count === 1 ? 'Une recommandation vérifiée' : 'Aucune recommandation vérifiée'}</h2>
        <p class="hint">Chaque recommandation vient d’une association accompagnée par la structure ; l’équipe d’animation l’a contactée pour vérifier le projet avant de la publier.</p>
        {linked.length ? (
          <>
            <h3 id="titre-apres-projet">{`Après un projet accompagné (${linked.length})`}</h3>
            <p class="hint">Ces associations ont suivi leur projet avec la structure sur Pollen, du diagnostic à l’autonomie, avant de la recommander.</p>
            <ol class="recommendations" aria-labelledby="titre-apres-projet">{linked.map((r) => <RecommendationItem rec={r} />)}</ol>
          </>
        ) : null}
        {linked.length && others.length ? <h3 id="titre-autres-recommandations">{`Autres recommandations (${others.length})`}</h3> : null}
        {others.length ? <ol class="recommendations" aria-labelledby={linked.length ? 'titre-autres-recommandations' : undefined}>{others.map((r) => <RecommendationItem rec={r} />)}</ol> : null}
      </section>
      <p><a class="call" href={`/annuaire/${p.slug}/recommander`}>Recommander cette structure</a></p>
      <ul>
        {props.wikiUrl ? <li><a href={props.wikiUrl}>{`La fiche ${de(p.name)} sur le wiki`}</a></li> : null}
        <li><a href="/annuaire">Retour à l’annuaire</a></li>
      </ul>
    </>
  );
}
