/**
 * The agenda's part of the facilitators' dashboard (server-side JSX, no script): the session
 * form, upcoming sessions with their seats, past sessions still waiting for their minutes
 * (« compte rendu manquant ») with attendance, and a session's registrations.
 */
import type { ComponentChildren } from 'preact';
import { frenchDateTime } from '../web/format.js';
import { CsrfField } from '../web/forms.js';
import { stylesheet } from '../web/styles.js';
import type { AgendaSession, Registration, SessionCounts } from './model.js';
import type { AgendaMailStatus, AgendaModule } from './service.js';
import { DEFAULT_TIME_ZONE, localInputValue } from './time.js';

/** The agenda pages' own rules: the form's fields within a phone's width (a module's long title made the select 630 px wide). */
export const AGENDA_DASHBOARD_STYLESHEET = stylesheet(`
form.signin select, form.signin textarea { font: inherit; width: 100%; max-width: 100%; padding: .45rem; border: 2px solid #6b6b6b; border-radius: 6px; margin: 0 0 .35rem; }
form.signin p.choice { display: flex; gap: .5rem; align-items: flex-start; }
form.signin p.choice input { width: auto; margin: .3rem 0 0; }
td code { overflow-wrap: anywhere; }
`);

/** What the form was filled with (strings, as the browser sends them). */
export type SessionFormValues = Partial<Record<'moduleSlug' | 'title' | 'description' | 'startsAt' | 'endsAt' | 'timeZone' | 'address' | 'latitude' | 'longitude' | 'onlineUrl' | 'facilitators' | 'capacity' | 'isPublic', string>>;

/** A refused form: what was typed, the French error and the field it is about. */
export interface SessionFormState {
  values: SessionFormValues;
  error?: string | undefined;
  field?: string | undefined;
}

export interface AgendaDashboardView {
  base: string;
  /** The dashboard's own path, linked back to. */
  home: string;
  csrfToken: string;
  modules: readonly AgendaModule[];
  upcoming: AgendaSession[];
  missingMinutes: AgendaSession[];
  counts: ReadonlyMap<number, SessionCounts>;
  form?: SessionFormState | undefined;
  /** After a save: what happened (the redirect's notice). */
  saved?: string | undefined;
  /** The outbox (mails to visitors): what waits and why; undefined when the agenda sends no mail. */
  mail?: AgendaMailStatus | undefined;
}

/** A date in the page: ISO in `datetime`, French (Paris) inside. */
function Time(props: { value: string }) {
  return <time datetime={new Date(props.value).toISOString()}>{frenchDateTime(props.value)}</time>;
}

const mails = (n: number) => `${n} e-mail${n >= 2 ? 's' : ''}`;

/** Mails to visitors not sent: how many, and why (never pretends they went out). */
function MailNotice(props: { mail: AgendaMailStatus | undefined }) {
  const mail = props.mail;
  if (!mail || (mail.pending === 0 && mail.failed === 0)) return null;
  const lines: string[] = [];
  if (mail.pending > 0) {
    lines.push(mail.smtpConfigured
      ? `${mails(mail.pending)} aux personnes inscrites ${mail.pending >= 2 ? 'attendent' : 'attend'} d’être ${mail.pending >= 2 ? 'envoyés' : 'envoyé'}${mail.lastError ? ' : le dernier essai a échoué, un nouvel essai est prévu automatiquement.' : ' (envoi dans la minute).'}`
      : `${mails(mail.pending)} aux personnes inscrites ${mail.pending >= 2 ? 'attendent' : 'attend'} dans la boîte d’envoi : aucun serveur d’envoi n’est configuré (POLLEN_SMTP_URL). Ils partiront dès que l’administrateur·rice l’aura configuré.`);
  }
  if (mail.failed > 0) lines.push(`${mails(mail.failed)} n’${mail.failed >= 2 ? 'ont' : 'a'} pas pu être ${mail.failed >= 2 ? 'envoyés' : 'envoyé'} après tous les essais.`);
  if (mail.lastError) lines.push(`Dernière erreur : ${mail.lastError}`);
  return (
    <section class="card" id="courriels" aria-labelledby="titre-courriels">
      <h2 id="titre-courriels">E-mails en attente</h2>
      {lines.map((l) => <p class="notice" role="status">{l}</p>)}
    </section>
  );
}

const countsOf = (view: { counts: ReadonlyMap<number, SessionCounts> }, id: number) => view.counts.get(id) ?? { confirmed: 0, waiting: 0, present: 0 };

interface InputProps {
  name: keyof SessionFormValues;
  label: string;
  values: SessionFormValues;
  field: string | undefined;
  type: string;
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  inputMode?: 'decimal';
}

function Input(props: InputProps) {
  const invalid = props.field === props.name;
  return (
    <>
      <label for={`session-${props.name}`}>{props.label}</label>
      <input
        id={`session-${props.name}`} name={props.name} type={props.type as 'text'} required={props.required} maxLength={props.maxLength}
        min={props.min} max={props.max} inputMode={props.inputMode} value={props.values[props.name] ?? ''}
        aria-invalid={invalid ? 'true' : undefined} aria-describedby={invalid ? 'erreur-session' : undefined}
      />
    </>
  );
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

/** The session form: creation (empty) by default, or editing a session (its action, button and defaults). */
function SessionForm(props: { base: string; csrfToken: string; modules: readonly AgendaModule[]; form?: SessionFormState | undefined; edit?: AgendaSession }) {
  const { edit } = props;
  const values = props.form?.values ?? (edit ? sessionValues(edit) : { timeZone: DEFAULT_TIME_ZONE, capacity: '12', isPublic: 'on' });
  const field = props.form?.field;
  const common = { values, field };
  return (
    <form class="signin" id={edit ? 'form-modifier-session' : 'form-session'} method="post" action={edit ? `${props.base}/sessions/${edit.id}/modifier` : `${props.base}/sessions`}>
      <CsrfField token={props.csrfToken} />
      {props.form?.error ? <p class="error" role="alert" id="erreur-session">{props.form.error}</p> : null}
      <label for="session-moduleSlug">Module</label>
      <select id="session-moduleSlug" name="moduleSlug">
        <option value="">Atelier hors parcours</option>
        {props.modules.map((m) => <option value={m.slug} selected={values.moduleSlug === m.slug}>{m.title}</option>)}
      </select>
      <Input name="title" label="Titre" type="text" required maxLength={200} {...common} />
      <Input name="startsAt" label="Début (heure locale)" type="datetime-local" required {...common} />
      <Input name="endsAt" label="Fin (heure locale)" type="datetime-local" required {...common} />
      <Input name="timeZone" label="Fuseau horaire" type="text" maxLength={60} {...common} />
      <Input name="address" label="Adresse (session sur place)" type="text" maxLength={500} {...common} />
      <Input name="onlineUrl" label="Lien de visioconférence (session en ligne)" type="url" maxLength={500} {...common} />
      <Input name="latitude" label="Latitude (facultatif)" type="text" inputMode="decimal" {...common} />
      <Input name="longitude" label="Longitude (facultatif)" type="text" inputMode="decimal" {...common} />
      <Input name="facilitators" label="Animation (noms séparés par des virgules)" type="text" maxLength={1000} {...common} />
      <Input name="capacity" label="Nombre de places" type="number" required min={1} max={10000} {...common} />
      <label for="session-description">Description</label>
      <textarea id="session-description" name="description" rows={3} maxLength={5000}>{values.description ?? ''}</textarea>
      <p class="choice"><input id="session-isPublic" name="isPublic" type="checkbox" checked={!!values.isPublic} /> <label for="session-isPublic">Publique (dans l’agenda du wiki et le flux iCal)</label></p>
      <p><button class="primary" type="submit">{edit ? 'Enregistrer les modifications' : 'Créer la session'}</button></p>
    </form>
  );
}

function Place(props: { session: AgendaSession }) {
  return <>{props.session.place.onlineUrl ? 'En ligne' : (props.session.place.address ?? '')}</>;
}

function Table(props: { id: string; caption: string; head: readonly string[]; numeric?: readonly number[]; children: ComponentChildren }) {
  return (
    <div class="scroll">
      <table class="stack" id={props.id}>
        <caption>{props.caption}</caption>
        <thead><tr>{props.head.map((h, i) => <th scope="col" class={props.numeric?.includes(i) ? 'num' : undefined}>{h}</th>)}</tr></thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

function UpcomingTable(props: { view: AgendaDashboardView }) {
  const view = props.view;
  if (view.upcoming.length === 0) return <p class="empty">Aucune session à venir.</p>;
  return (
    <Table id="table-sessions" caption="Sessions à venir, les plus proches d’abord" head={['Session', 'Date', 'Lieu', 'Inscrit·es / places', 'En attente']} numeric={[3, 4]}>
      {view.upcoming.map((s) => {
        const c = countsOf(view, s.id);
        return (
          <tr data-session={s.id}>
            <th scope="row">
              <a href={`${view.base}/sessions/${s.id}`}>{s.title}</a>
              {s.status === 'cancelled' ? <> <span class="badge state-failed">annulée</span></> : s.isPublic ? null : <> <span class="badge bot">privée</span></>}
            </th>
            <td data-label="Date"><Time value={s.startsAt} /></td>
            <td data-label="Lieu"><Place session={s} /></td>
            <td class="num" data-label="Inscrit·es">{`${c.confirmed} / ${s.capacity}`}</td>
            <td class="num" data-label="En attente">{c.waiting}</td>
          </tr>
        );
      })}
    </Table>
  );
}

function MissingTable(props: { view: AgendaDashboardView }) {
  const view = props.view;
  if (view.missingMinutes.length === 0) return <p class="empty" id="aucun-compte-rendu-manquant">Toutes les sessions passées ont leur compte rendu.</p>;
  return (
    <>
      <p class="meta">Publiez la note de l’atelier avec <code>{'session: <numéro>'}</code> dans son en-tête : la session sort de cette liste et l’agenda du wiki renvoie à son compte rendu.</p>
      <Table id="table-comptes-rendus-manquants" caption="Sessions passées sans compte rendu, les plus récentes d’abord, avec leur présence" head={['Session', 'Date', 'Inscrit·es', 'Présent·es', 'En-tête de la note']} numeric={[2, 3]}>
        {view.missingMinutes.map((s) => {
          const c = countsOf(view, s.id);
          return (
            <tr data-session={s.id}>
              <th scope="row"><a href={`${view.base}/sessions/${s.id}`}>{s.title}</a> <span class="badge state-failed">compte rendu manquant</span></th>
              <td data-label="Date"><Time value={s.startsAt} /></td>
              <td class="num" data-label="Inscrit·es" data-col="inscrits">{c.confirmed}</td>
              <td class="num" data-label="Présent·es" data-col="presents">{c.present}</td>
              <td data-label="Note à publier"><code>{`session: ${s.id}`}</code></td>
            </tr>
          );
        })}
      </Table>
    </>
  );
}

/** The agenda page of the dashboard. */
export function AgendaDashboardContent(props: { view: AgendaDashboardView }) {
  const view = props.view;
  return (
    <>
      <nav class="sections" aria-label="Sections de l’agenda">
        <ul>
          <li><a href={view.home}>Tableau de bord</a></li>
          <li><a href="#manquants">Comptes rendus manquants</a></li>
          <li><a href="#a-venir">Sessions à venir</a></li>
          <li><a href="#nouvelle">Nouvelle session</a></li>
        </ul>
      </nav>
      {view.saved ? <p class="ok" role="status" id="session-enregistree">{view.saved}</p> : null}
      <MailNotice mail={view.mail} />
      <section class="card" id="manquants" aria-labelledby="titre-manquants">
        <h2 id="titre-manquants">Comptes rendus manquants</h2>
        <MissingTable view={view} />
      </section>
      <section class="card" id="a-venir" aria-labelledby="titre-a-venir">
        <h2 id="titre-a-venir">Sessions à venir</h2>
        <UpcomingTable view={view} />
      </section>
      <section class="card" id="nouvelle" aria-labelledby="titre-nouvelle">
        <h2 id="titre-nouvelle">Nouvelle session</h2>
        <p class="meta">Heures dans le fuseau indiqué (Europe/Paris par défaut). Donnez une adresse, un lien de visioconférence, ou les deux.</p>
        <SessionForm base={view.base} csrfToken={view.csrfToken} modules={view.modules} form={view.form} />
      </section>
    </>
  );
}

const REGISTRATION_LABELS: Record<Registration['status'], string> = { confirmed: 'Inscrit·e', waiting: 'En attente', cancelled: 'Annulée' };

export interface SessionPageView {
  base: string;
  csrfToken: string;
  session: AgendaSession;
  registrations: Registration[];
  counts: SessionCounts;
  modules: readonly AgendaModule[];
  form?: SessionFormState | undefined;
  /** After a change: what happened (the redirect's notice). */
  saved?: string | undefined;
}

/** One session: its registrations, with a form per confirmed person to mark them present, and its edit form. */
export function SessionDashboardContent(props: { view: SessionPageView }) {
  const { base, csrfToken, session, registrations, counts } = props.view;
  return (
    <>
      <p><a href={base}>Retour à l’agenda</a></p>
      {props.view.saved ? <p class="ok" role="status" id="session-modifiee">{props.view.saved}</p> : null}
      <section class="card" aria-labelledby="titre-session">
        <h2 id="titre-session">{session.title}</h2>
        <p class="meta">{`${frenchDateTime(session.startsAt)} — `}<Place session={session} />{session.status === 'cancelled' ? ' — annulée' : ''}</p>
        {registrations.length ? (
          <Table
            id="table-inscriptions" head={['Nom', 'Contact', 'État', 'Présence', 'Action']}
            caption={`Inscriptions, par ordre d’arrivée (${counts.confirmed} inscrit·es sur ${session.capacity} places, ${counts.waiting} en attente, ${counts.present} présent·es)`}
          >
            {registrations.map((r) => (
              <tr data-registration={r.id}>
                <th scope="row">{r.name}</th>
                <td data-label="Contact">{r.email ? r.email : r.learnerId ? 'apprenant·e inscrit·e' : '—'}</td>
                <td data-label="État">{REGISTRATION_LABELS[r.status]}</td>
                <td data-label="Présence" data-present={r.present ? 'oui' : 'non'}>{r.present ? 'présent·e' : '—'}</td>
                <td data-label="Action">
                  {r.status === 'confirmed' ? (
                    <form method="post" action={`${base}/sessions/${session.id}/presence`}>
                      <CsrfField token={csrfToken} />
                      <input type="hidden" name="registrationId" value={r.id} />
                      <input type="hidden" name="present" value={r.present ? '0' : '1'} />
                      <button type="submit" aria-label={`${r.present ? 'Marquer absent·e' : 'Marquer présent·e'} : ${r.name}`}>{r.present ? 'Marquer absent·e' : 'Marquer présent·e'}</button>
                    </form>
                  ) : '—'}
                </td>
              </tr>
            ))}
          </Table>
        ) : <p class="empty">Personne n’est inscrit·e pour l’instant.</p>}
      </section>
      {session.status === 'cancelled' ? null : (
        <section class="card" id="modifier" aria-labelledby="titre-modifier">
          <h2 id="titre-modifier">Modifier la session</h2>
          <SessionForm base={base} csrfToken={csrfToken} modules={props.view.modules} form={props.view.form} edit={session} />
        </section>
      )}
    </>
  );
}
