/** The facilitators' moderation section of the directory (rendered inside the dashboard's shell). */
import { escapeHtml, frenchShortDateTime, timeElement } from '../web/format.js';
import { ANSWER_LABELS, CRITERIA, PROVIDER_KINDS, SERVICES, type CriterionId, type ModerationEvent, type Provider, type Recommendation } from './model.js';
import { territoryLabel } from './territories.js';
import { de } from '../text/french.js';

export interface ModerationView {
  providers: Provider[];
  recommendations: Array<Recommendation & { provider: Provider }>;
  history: Array<ModerationEvent & { label: string }>;
  csrfToken: string;
  action: string;
  /** A French confirmation or error after a decision. */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
}

const ACTION_LABELS: Record<ModerationEvent['action'], string> = {
  declared: 'déclarée', updated: 'mise à jour', approved: 'validée', rejected: 'refusée', withdrawn: 'retirée', recommended: 'reçue', verified: 'vérifiée', replaced: 'remplacée',
};

function decisionForms(v: ModerationView, subject: 'provider' | 'recommendation', id: string, label: string): string {
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(v.csrfToken)}"><input type="hidden" name="subject" value="${subject}"><input type="hidden" name="id" value="${escapeHtml(id)}">`;
  const key = `${subject}-${escapeHtml(id)}`;
  return `<div class="decisions">
<form method="post" action="${escapeHtml(v.action)}">${hidden}<input type="hidden" name="decision" value="approve">
<label for="motif-ok-${key}">Commentaire (facultatif)</label><input id="motif-ok-${key}" name="reason" maxlength="500">
<button class="primary" type="submit" aria-label="Valider ${escapeHtml(label)}">Valider</button></form>
<form method="post" action="${escapeHtml(v.action)}">${hidden}<input type="hidden" name="decision" value="reject">
<label for="motif-non-${key}">Motif du refus (obligatoire)</label><input id="motif-non-${key}" name="reason" required maxlength="500">
<button type="submit" aria-label="Refuser ${escapeHtml(label)}">Refuser</button></form>
</div>`;
}

function providerItem(v: ModerationView, p: Provider): string {
  return `<li class="card" data-provider="${escapeHtml(p.slug)}">
<h4>${escapeHtml(p.name)} <span class="badge">${escapeHtml(PROVIDER_KINDS[p.kind])}</span></h4>
<p>${escapeHtml(p.description)}</p>
<p class="meta">Services : ${p.services.map((s) => escapeHtml(SERVICES[s])).join(', ')} — Territoires : ${p.territories.map((t) => escapeHtml(territoryLabel(t))).join(', ')}${p.website ? ` — Site : <a href="${escapeHtml(p.website)}" rel="nofollow noopener">${escapeHtml(p.website)}</a>` : ''} — Déclarée le ${timeElement(p.createdAt, frenchShortDateTime)}</p>
${decisionForms(v, 'provider', p.slug, p.name)}
</li>`;
}

function questionnaireTable(r: Recommendation): string {
  const rows = (Object.keys(CRITERIA) as CriterionId[])
    .map((c) => `<tr><th scope="row">${escapeHtml(CRITERIA[c])}</th><td data-answer="${r.questionnaire[c].answer}">${ANSWER_LABELS[r.questionnaire[c].answer]}</td><td>${r.questionnaire[c].comment ? escapeHtml(r.questionnaire[c].comment ?? '') : '<span class="empty">—</span>'}</td></tr>`)
    .join('');
  return `<div class="scroll"><table><caption>Questionnaire de critères vérifiables</caption><thead><tr><th scope="col">Critère</th><th scope="col">Réponse</th><th scope="col">Commentaire</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function recommendationItem(v: ModerationView, r: Recommendation & { provider: Provider }): string {
  const label = `la recommandation ${de(r.associationName)}`;
  return `<li class="card" data-recommendation="${r.id}">
<h4>${escapeHtml(r.associationName)} recommande ${escapeHtml(r.provider.name)}</h4>
<p class="meta">Contact pour vérifier : <a href="mailto:${escapeHtml(r.verificationContact)}">${escapeHtml(r.verificationContact)}</a>${r.rna ? ` — RNA ${escapeHtml(r.rna)}` : ''} — Projet : ${escapeHtml(r.periodStart)}${r.periodEnd ? ` à ${escapeHtml(r.periodEnd)}` : ''}${r.provider.status !== 'approved' ? ' — <strong>structure pas encore validée</strong>' : ''}</p>
<p>${escapeHtml(r.work)}</p>
${r.tools.length ? `<p class="meta">Outils déployés : ${r.tools.map(escapeHtml).join(', ')}</p>` : ''}
${questionnaireTable(r)}
${r.quote ? `<blockquote>« ${escapeHtml(r.quote)} » ${r.quoteConsent ? '(publication acceptée)' : '<span class="empty">(publication refusée : ne sera pas affichée)</span>'}</blockquote>` : ''}
${decisionForms(v, 'recommendation', String(r.id), label)}
</li>`;
}

export function moderationSection(v: ModerationView): string {
  const flash = v.flash ? `<p class="${v.flash.kind === 'ok' ? 'notice' : 'error'}" role="status" id="resultat-decision">${escapeHtml(v.flash.text)}</p>` : '';
  const providers = v.providers.length ? `<ul class="moderation" id="declarations">${v.providers.map((p) => providerItem(v, p)).join('\n')}</ul>` : '<p class="empty" id="aucune-declaration">Aucune déclaration en attente.</p>';
  const recs = v.recommendations.length ? `<ul class="moderation" id="recommandations">${v.recommendations.map((r) => recommendationItem(v, r)).join('\n')}</ul>` : '<p class="empty" id="aucune-recommandation">Aucune recommandation en attente.</p>';
  const history = v.history.length
    ? `<div class="scroll"><table class="stack" id="table-historique"><caption>Dernières décisions, les plus récentes d’abord</caption><thead><tr><th scope="col">Quoi</th><th scope="col">Décision</th><th scope="col">Motif</th><th scope="col">Par</th><th scope="col">Date</th></tr></thead><tbody>${v.history
        .map((e) => `<tr><th scope="row">${escapeHtml(e.label)}</th><td data-label="Décision">${ACTION_LABELS[e.action]}</td><td data-label="Motif">${e.reason ? escapeHtml(e.reason) : '<span class="empty">—</span>'}</td><td data-label="Par">${escapeHtml(e.actor)}</td><td data-label="Date">${timeElement(e.at, frenchShortDateTime)}</td></tr>`)
        .join('')}</tbody></table></div>`
    : '<p class="empty">Aucune décision pour l’instant.</p>';
  return `<main id="contenu">
<p><a href="/dashboard">Retour au tableau de bord</a> · <a href="/annuaire">Voir l’annuaire public</a></p>
${flash}
<section class="card" id="moderation-annuaire" aria-labelledby="titre-moderation">
<h2 id="titre-moderation">Annuaire : modération</h2>
<p class="meta">Une structure n’est publiée qu’une fois validée et recommandée par au moins une association dont la recommandation a été vérifiée (contactez l’association avant de valider). Chaque décision est conservée avec son motif.</p>
<h3>Déclarations de structures en attente (${v.providers.length})</h3>
${providers}
<h3>Recommandations en attente (${v.recommendations.length})</h3>
${recs}
<h3>Historique</h3>
${history}
</section>
</main>`;
}
