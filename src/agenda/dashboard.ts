/**
 * The agenda's part of the facilitators' dashboard (server-rendered French HTML, no script):
 * the session form, upcoming sessions with their seats, past sessions still waiting for their
 * minutes (« compte rendu manquant ») with attendance, and a session's registrations.
 */
import { escapeHtml, frenchDateTime, timeElement } from '../web/format.js';
import type { AgendaSession, Registration, SessionCounts } from './model.js';
import type { AgendaMailStatus, AgendaModule } from './service.js';
import { DEFAULT_TIME_ZONE, localInputValue } from './time.js';

/** What the form was filled with (strings, as the browser sends them). */
export type SessionFormValues = Partial<Record<'moduleSlug' | 'title' | 'description' | 'startsAt' | 'endsAt' | 'timeZone' | 'address' | 'latitude' | 'longitude' | 'onlineUrl' | 'facilitators' | 'capacity' | 'isPublic', string>>;

export interface AgendaDashboardView {
  base: string;
  csrfToken: string;
  modules: readonly AgendaModule[];
  upcoming: AgendaSession[];
  missingMinutes: AgendaSession[];
  counts: ReadonlyMap<number, SessionCounts>;
  form?: { values: SessionFormValues; error?: string | undefined; field?: string | undefined } | undefined;
  /** After a save: what happened, and warnings (facilitator booked twice). */
  saved?: { session: AgendaSession; warnings: string[] } | undefined;
  /** The outbox (mails to visitors): what waits and why; undefined when the agenda sends no mail. */
  mail?: AgendaMailStatus | undefined;
}

const mails = (n: number) => `${n} e-mail${n >= 2 ? 's' : ''}`;

/** Mails to visitors not sent: how many, and why (never pretends they went out). */
function mailNotice(mail: AgendaMailStatus | undefined): string {
  if (!mail || (mail.pending === 0 && mail.failed === 0)) return '';
  const lines: string[] = [];
  if (mail.pending > 0) {
    lines.push(mail.smtpConfigured
      ? `${mails(mail.pending)} aux personnes inscrites ${mail.pending >= 2 ? 'attendent' : 'attend'} d’être ${mail.pending >= 2 ? 'envoyés' : 'envoyé'}${mail.lastError ? ' : le dernier essai a échoué, un nouvel essai est prévu automatiquement.' : ' (envoi dans la minute).'}`
      : `${mails(mail.pending)} aux personnes inscrites ${mail.pending >= 2 ? 'attendent' : 'attend'} dans la boîte d’envoi : aucun serveur d’envoi n’est configuré (POLLEN_SMTP_URL). Ils partiront dès que l’administrateur·rice l’aura configuré.`);
  }
  if (mail.failed > 0) lines.push(`${mails(mail.failed)} n’${mail.failed >= 2 ? 'ont' : 'a'} pas pu être ${mail.failed >= 2 ? 'envoyés' : 'envoyé'} après tous les essais.`);
  if (mail.lastError) lines.push(`Dernière erreur : ${mail.lastError}`);
  return `<section class="card" id="courriels" aria-labelledby="titre-courriels">
<h2 id="titre-courriels">E-mails en attente</h2>
${lines.map((l) => `<p class="notice" role="status">${e(l)}</p>`).join('\n')}
</section>`;
}

const e = escapeHtml;
const countsOf = (view: { counts: ReadonlyMap<number, SessionCounts> }, id: number) => view.counts.get(id) ?? { confirmed: 0, waiting: 0, present: 0 };

function input(name: keyof SessionFormValues, label: string, values: SessionFormValues, attrs: string, errorField?: string): string {
  const invalid = errorField === name ? ' aria-invalid="true" aria-describedby="erreur-session"' : '';
  return `<label for="session-${name}">${label}</label>\n<input id="session-${name}" name="${name}" ${attrs} value="${e(values[name] ?? '')}"${invalid}>`;
}

type FormView = Pick<AgendaDashboardView, 'base' | 'csrfToken' | 'modules' | 'form'>;

/** The session form: creation (empty) by default, or editing a session (its action, button and defaults). */
function sessionForm(view: FormView, edit?: { session: AgendaSession }): string {
  const values = view.form?.values ?? (edit ? sessionValues(edit.session) : { timeZone: DEFAULT_TIME_ZONE, capacity: '12', isPublic: 'on' });
  const field = view.form?.field;
  const options = ['<option value="">Atelier hors parcours</option>', ...view.modules.map((m) => `<option value="${e(m.slug)}"${values.moduleSlug === m.slug ? ' selected' : ''}>${e(m.title)}</option>`)].join('');
  const error = view.form?.error ? `<p class="error" role="alert" id="erreur-session">${e(view.form.error)}</p>` : '';
  const action = edit ? `${view.base}/sessions/${edit.session.id}/modifier` : `${view.base}/sessions`;
  return `<form class="signin" id="${edit ? 'form-modifier-session' : 'form-session'}" method="post" action="${e(action)}">
<input type="hidden" name="csrf" value="${e(view.csrfToken)}">
${error}
<label for="session-moduleSlug">Module</label>
<select id="session-moduleSlug" name="moduleSlug">${options}</select>
${input('title', 'Titre', values, 'type="text" required maxlength="200"', field)}
${input('startsAt', 'Début (heure locale)', values, 'type="datetime-local" required', field)}
${input('endsAt', 'Fin (heure locale)', values, 'type="datetime-local" required', field)}
${input('timeZone', 'Fuseau horaire', values, 'type="text" maxlength="60"', field)}
${input('address', 'Adresse (session sur place)', values, 'type="text" maxlength="500"', field)}
${input('onlineUrl', 'Lien de visioconférence (session en ligne)', values, 'type="url" maxlength="500"', field)}
${input('latitude', 'Latitude (facultatif)', values, 'type="text" inputmode="decimal"', field)}
${input('longitude', 'Longitude (facultatif)', values, 'type="text" inputmode="decimal"', field)}
${input('facilitators', 'Animation (noms séparés par des virgules)', values, 'type="text" maxlength="1000"', field)}
${input('capacity', 'Nombre de places', values, 'type="number" min="1" max="10000" required', field)}
<label for="session-description">Description</label>
<textarea id="session-description" name="description" rows="3" maxlength="5000">${e(values.description ?? '')}</textarea>
<p><input id="session-isPublic" name="isPublic" type="checkbox"${values.isPublic ? ' checked' : ''}> <label for="session-isPublic">Publique (dans l’agenda du wiki et le flux iCal)</label></p>
<p><button class="primary" type="submit">${edit ? 'Enregistrer les modifications' : 'Créer la session'}</button></p>
</form>`;
}

/** A session's fields as the form shows them (wall-clock times in its zone). */
function sessionValues(s: AgendaSession): SessionFormValues {
  const num = (n: number | null) => (n === null ? '' : String(n));
  return {
    moduleSlug: s.moduleSlug ?? '', title: s.title, description: s.description ?? '',
    startsAt: localInputValue(new Date(s.startsAt), s.timeZone), endsAt: localInputValue(new Date(s.endsAt), s.timeZone), timeZone: s.timeZone,
    address: s.place.address ?? '', latitude: num(s.place.latitude), longitude: num(s.place.longitude), onlineUrl: s.place.onlineUrl ?? '',
    facilitators: s.facilitators.join(', '), capacity: String(s.capacity), ...(s.isPublic ? { isPublic: 'on' } : {}),
  };
}

function place(s: AgendaSession): string {
  if (s.place.onlineUrl) return 'En ligne';
  return e(s.place.address ?? '');
}

function upcomingTable(view: AgendaDashboardView): string {
  if (view.upcoming.length === 0) return '<p class="empty">Aucune session à venir.</p>';
  const rows = view.upcoming.map((s) => {
    const c = countsOf(view, s.id);
    const state = s.status === 'cancelled' ? ' <span class="badge state-failed">annulée</span>' : s.isPublic ? '' : ' <span class="badge bot">privée</span>';
    return `<tr data-session="${s.id}"><th scope="row"><a href="${e(view.base)}/sessions/${s.id}">${e(s.title)}</a>${state}</th>` +
      `<td data-label="Date">${timeElement(s.startsAt)}</td><td data-label="Lieu">${place(s)}</td>` +
      `<td class="num" data-label="Inscrit·es">${c.confirmed} / ${s.capacity}</td><td class="num" data-label="En attente">${c.waiting}</td></tr>`;
  });
  return `<div class="scroll"><table class="stack" id="table-sessions">
<caption>Sessions à venir, les plus proches d’abord</caption>
<thead><tr><th scope="col">Session</th><th scope="col">Date</th><th scope="col">Lieu</th><th scope="col" class="num">Inscrit·es / places</th><th scope="col" class="num">En attente</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

function missingTable(view: AgendaDashboardView): string {
  if (view.missingMinutes.length === 0) return '<p class="empty" id="aucun-compte-rendu-manquant">Toutes les sessions passées ont leur compte rendu.</p>';
  const rows = view.missingMinutes.map((s) => {
    const c = countsOf(view, s.id);
    return `<tr data-session="${s.id}"><th scope="row"><a href="${e(view.base)}/sessions/${s.id}">${e(s.title)}</a> <span class="badge state-failed">compte rendu manquant</span></th>` +
      `<td data-label="Date">${timeElement(s.startsAt)}</td>` +
      `<td class="num" data-label="Inscrit·es" data-col="inscrits">${c.confirmed}</td><td class="num" data-label="Présent·es" data-col="presents">${c.present}</td>` +
      `<td data-label="Note à publier"><code>session: ${s.id}</code></td></tr>`;
  });
  return `<p class="meta">Publiez la note de l’atelier avec <code>session: &lt;numéro&gt;</code> dans son en-tête : la session sort de cette liste et l’agenda du wiki renvoie à son compte rendu.</p>
<div class="scroll"><table class="stack" id="table-comptes-rendus-manquants">
<caption>Sessions passées sans compte rendu, les plus récentes d’abord, avec leur présence</caption>
<thead><tr><th scope="col">Session</th><th scope="col">Date</th><th scope="col" class="num">Inscrit·es</th><th scope="col" class="num">Présent·es</th><th scope="col">En-tête de la note</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/** The agenda page of the dashboard. */
export function agendaDashboardBody(view: AgendaDashboardView): string {
  const saved = view.saved
    ? `<p class="notice" role="status" id="session-enregistree">Session « ${e(view.saved.session.title)} » enregistrée (numéro ${view.saved.session.id}).</p>` +
      view.saved.warnings.map((w) => `<p class="notice" role="status">Attention : ${e(w)}</p>`).join('\n')
    : '';
  return `<nav class="sections" aria-label="Sections de l’agenda"><ul><li><a href="${e(view.base.replace(/\/agenda$/, '') || '/')}">Tableau de bord</a></li><li><a href="#manquants">Comptes rendus manquants</a></li><li><a href="#a-venir">Sessions à venir</a></li><li><a href="#nouvelle">Nouvelle session</a></li></ul></nav>
<main id="contenu">
${saved}
${mailNotice(view.mail)}
<section class="card" id="manquants" aria-labelledby="titre-manquants">
<h2 id="titre-manquants">Comptes rendus manquants</h2>
${missingTable(view)}
</section>
<section class="card" id="a-venir" aria-labelledby="titre-a-venir">
<h2 id="titre-a-venir">Sessions à venir</h2>
${upcomingTable(view)}
</section>
<section class="card" id="nouvelle" aria-labelledby="titre-nouvelle">
<h2 id="titre-nouvelle">Nouvelle session</h2>
<p class="meta">Heures dans le fuseau indiqué (Europe/Paris par défaut). Donnez une adresse, un lien de visioconférence, ou les deux.</p>
${sessionForm(view)}
</section>
</main>`;
}

const REGISTRATION_LABELS: Record<Registration['status'], string> = { confirmed: 'Inscrit·e', waiting: 'En attente', cancelled: 'Annulée' };

/** What the session page's edit form shows: the session's fields, or what was typed (refused), or a saved notice. */
export interface SessionEditView {
  modules: readonly AgendaModule[];
  form?: AgendaDashboardView['form'];
  saved?: { warnings: string[] } | undefined;
}

/** One session: its registrations, with a form per confirmed person to mark them present, and its edit form. */
export function sessionDashboardBody(base: string, csrfToken: string, session: AgendaSession, registrations: Registration[], counts: SessionCounts, edit: SessionEditView): string {
  const rows = registrations.map((r) => {
    const presence = r.status === 'confirmed'
      ? `<form method="post" action="${e(base)}/sessions/${session.id}/presence"><input type="hidden" name="csrf" value="${e(csrfToken)}"><input type="hidden" name="registrationId" value="${r.id}"><input type="hidden" name="present" value="${r.present ? '0' : '1'}"><button type="submit">${r.present ? 'Marquer absent·e' : 'Marquer présent·e'}</button></form>`
      : '—';
    return `<tr data-registration="${r.id}"><th scope="row">${e(r.name)}</th><td data-label="Contact">${r.email ? e(r.email) : r.learnerId ? 'apprenant·e inscrit·e' : '—'}</td>` +
      `<td data-label="État">${REGISTRATION_LABELS[r.status]}</td><td data-label="Présence" data-present="${r.present ? 'oui' : 'non'}">${r.present ? 'présent·e' : '—'}</td><td data-label="Action">${presence}</td></tr>`;
  });
  const table = registrations.length
    ? `<div class="scroll"><table class="stack" id="table-inscriptions">
<caption>Inscriptions, par ordre d’arrivée (${counts.confirmed} inscrit·es sur ${session.capacity} places, ${counts.waiting} en attente, ${counts.present} présent·es)</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Contact</th><th scope="col">État</th><th scope="col">Présence</th><th scope="col">Action</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`
    : '<p class="empty">Personne n’est inscrit·e pour l’instant.</p>';
  return `<main id="contenu">
<p><a href="${e(base)}">Retour à l’agenda</a></p>
<section class="card" aria-labelledby="titre-session">
<h2 id="titre-session">${e(session.title)}</h2>
<p class="meta">${e(frenchDateTime(session.startsAt))} — ${place(session)}${session.status === 'cancelled' ? ' — annulée' : ''}</p>
${table}
</section>
${editSection(base, csrfToken, session, edit)}
</main>`;
}

function editSection(base: string, csrfToken: string, session: AgendaSession, edit: SessionEditView): string {
  if (session.status === 'cancelled') return '';
  const saved = edit.saved
    ? `<p class="notice" role="status" id="session-modifiee">Modifications enregistrées.</p>` + edit.saved.warnings.map((w) => `<p class="notice" role="status">Attention : ${e(w)}</p>`).join('\n')
    : '';
  return `<section class="card" id="modifier" aria-labelledby="titre-modifier">
<h2 id="titre-modifier">Modifier la session</h2>
${saved}
${sessionForm({ base, csrfToken, modules: edit.modules, form: edit.form }, { session })}
</section>`;
}
