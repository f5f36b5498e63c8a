/**
 * The needs diagnostic, for associations, without an account:
 *   GET  /diagnostic                       the questionnaire
 *   POST /diagnostic                       saved; its private link mailed; → its answer page
 *   GET  /diagnostic/<jeton>               the answer: alternatives, providers, modules, sessions
 *   POST /diagnostic/<jeton>/supprimer     deletes it
 */
import { de } from '../text/french.js';
import express, { type Router } from 'express';
import { PROVIDER_KINDS, SERVICES } from '../directory/model.js';
import { allTerritories, territoryLabel } from '../directory/territories.js';
import { frenchDateTime } from '../web/format.js';
import { ChoiceGroup, formState, PostForm, SelectField, TextArea, TextField, type FormState } from '../web/forms.js';
import { stylesheet } from '../web/styles.js';
import type { FormBody, Web } from '../web/web.js';
import { associationProjectLinks, ContactForm, contactFormName } from './projects/pages.js';
import { PROJECT_STATES, type ProjectState } from './projects/model.js';
import type { ProjectService } from './projects/service.js';
import { BOTHERS, SIZES, TOOL_STATES, type Diagnostic, type MatchmakingService, type Proposal } from './service.js';
import type { RefusedForm } from '../web/flash.js';
import { lazily } from '../text/lazily.js';

const CSS = stylesheet(`
.need-list { display: grid; gap: .75rem; list-style: none; padding: 0; }
.need-list > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.need-list h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.tag { display: inline-block; padding: 0 .4rem; border: 1px solid currentColor; border-radius: 6px; font-size: .85rem; color: #1b5e20; }
`);

const FORM = 'diagnostic';
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,255}\.[a-z]{2,}$/i;
const territories = lazily(() => [
  ...allTerritories().filter((t) => t.kind === 'departement').map((t) => ({ value: t.id, label: territoryLabel(t.id) })),
  { value: 'a-distance', label: 'Partout en France (à distance)' },
]);

function number(value: string | undefined): number | null | 'invalid' {
  const v = (value ?? '').trim();
  if (v === '') return null;
  return /^\d{1,6}$/.test(v) ? Number(v) : 'invalid';
}

/** The diagnostic typed in the form, or the errors by field. */
function read(fields: FormBody, needIds: readonly string[]): { diagnostic: Diagnostic; email: string } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const email = (fields.courriel ?? '').trim();
  if (!EMAIL.test(email)) errors.courriel = 'Indiquez une adresse e-mail valide, par exemple bureau@mon-asso.fr : le lien privé de votre diagnostic y sera envoyé.';
  const territory = fields.territoire ?? '';
  if (!territories().some((t) => t.value === territory)) errors.territoire = 'Choisissez le département où l’association agit (ou « à distance »).';
  const size = fields.taille ?? '';
  if (!(size in SIZES)) errors.taille = 'Choisissez la taille de l’association.';
  const volunteers = number(fields.benevoles);
  if (volunteers === 'invalid') errors.benevoles = 'Indiquez un nombre entier, ou laissez vide.';
  const staff = number(fields.salaries);
  if (staff === 'invalid') errors.salaries = 'Indiquez un nombre entier, ou laissez vide.';
  const tools: Record<string, keyof typeof TOOL_STATES> = {};
  for (const id of needIds) {
    const v = fields[`outil-${id}`] ?? '';
    if (v in TOOL_STATES) tools[id] = v as keyof typeof TOOL_STATES;
    else errors[`outil-${id}`] = 'Choisissez une réponse.';
  }
  const bothers = (fields.genes ?? '').split(',').filter((b): b is keyof typeof BOTHERS => b in BOTHERS);
  const name = (fields.association ?? '').trim();
  if (name.length > 200) errors.association = 'Le nom ne doit pas dépasser 200 caractères.';
  const bothersText = (fields.genes_texte ?? '').trim();
  if (bothersText.length > 2000) errors.genes_texte = `Ce texte fait ${bothersText.length} caractères : 2 000 au plus.`;
  if (Object.keys(errors).length > 0) return { errors };
  return { email, diagnostic: { associationName: name, size: size as keyof typeof SIZES, volunteers: volunteers as number | null, staff: staff as number | null, territory, tools, bothers, bothersText } };
}

function Questionnaire(props: { service: MatchmakingService; state: FormState; token: string }) {
  const { state } = props;
  const order = ['association', 'courriel', 'territoire', 'taille', 'benevoles', 'salaries', ...props.service.needs.map((n) => `outil-${n.id}`), 'genes', 'genes_texte'];
  return (
    <PostForm action="/diagnostic" token={props.token} honeypot label="Diagnostic des besoins numériques">
      <TextField name="association" label="Nom de l’association" state={state} order={order} maxLength={200} autocomplete="organization" />
      <TextField name="courriel" type="email" label="Adresse e-mail" required state={state} order={order} autocomplete="email"
        hint="Le lien privé de votre diagnostic y est envoyé. L’adresse sert à cet envoi et n’est pas conservée avec vos réponses." />
      <SelectField name="territoire" label="Département où l’association agit" required state={state} order={order} choices={territories()} placeholder="Choisissez…" />
      <ChoiceGroup name="taille" label="Taille de l’association" required state={state} order={order} choices={Object.entries(SIZES).map(([value, label]) => ({ value, label }))} />
      <TextField name="benevoles" type="number" label="Nombre de bénévoles actifs" state={state} order={order} />
      <TextField name="salaries" type="number" label="Nombre de salarié·es" state={state} order={order} />
      <h2>Vos outils aujourd’hui</h2>
      {props.service.needs.map((need) => (
        <ChoiceGroup name={`outil-${need.id}`} label={need.question} required state={state} order={order}
          hint={`Services propriétaires courants : ${need.proprietary.join(', ')}.`}
          choices={Object.entries(TOOL_STATES).map(([value, label]) => ({ value, label }))} />
      ))}
      <ChoiceGroup name="genes" multiple label="Ce qui vous gêne aujourd’hui" state={state} order={order} choices={Object.entries(BOTHERS).map(([value, label]) => ({ value, label }))} />
      <TextArea name="genes_texte" label="Autre chose à nous dire sur vos besoins" state={state} order={order} maxLength={2000} rows={4} />
      <p><button class="primary" type="submit">Voir les propositions</button></p>
    </PostForm>
  );
}

interface Contacts {
  /** Each provider already written to from this diagnostic: its project's state and the association's link. */
  written: Map<number, { state: ProjectState; href: string }>;
  refused: RefusedForm | undefined;
  /** Whether contacting is wired (the projects service). */
  enabled: boolean;
}

function Answer(props: { diagnostic: Diagnostic; proposal: Proposal; service: MatchmakingService; token: string; formToken: string; contacts: Contacts }) {
  const { diagnostic: d, proposal: p, contacts } = props;
  return (
    <>
      <section class="card" aria-labelledby="titre-outils">
        <h2 id="titre-outils">Les outils à remplacer</h2>
        {p.toReplace.length === 0 ? <p>Vous n’avez indiqué aucun service propriétaire : voici de quoi bien démarrer avec des outils libres.</p> : null}
        <ul class="need-list">
          {(p.toReplace.length ? p.toReplace : props.service.needs.filter((n) => d.tools[n.id] === 'aucun')).map((need) => (
            <li>
              <h3>{need.label}</h3>
              <ul>
                {need.alternatives.map((a) => (
                  <li>
                    <strong>{a.name}</strong>{`${a.software === a.name ? '' : ` (${a.software})`} : ${a.what}`}
                    {a.hosted ? <> <span class="tag">proposé par des hébergeurs associatifs</span></> : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="titre-structures">
        <h2 id="titre-structures">Des structures qui peuvent vous accompagner</h2>
        {p.providers.length === 0 ? <p class="empty">Aucune structure de l’annuaire ne couvre encore ces besoins sur votre territoire. <a href="/annuaire">Parcourez l’annuaire</a>.</p> : (
          <ol>
            {p.providers.map(({ provider, territoryMatch, servicesCovered }) => (
              <li>
                <a href={`/annuaire/${provider.slug}`}>{provider.name}</a>
                {` — ${PROVIDER_KINDS[provider.kind]}, ${territoryMatch === 'departement' ? 'dans votre département' : territoryMatch === 'region' ? 'dans votre région' : 'à distance'} ; ${servicesCovered.map((s) => SERVICES[s].toLowerCase()).join(', ')}`}
                {provider.verifiedCount > 0 ? ` ; ${provider.verifiedCount} recommandation${provider.verifiedCount > 1 ? 's' : ''} vérifiée${provider.verifiedCount > 1 ? 's' : ''}` : ''}
                {provider.training?.complete ? ' ; parcours de formation suivi' : ''}
                {contacts.written.has(provider.id) ? (
                  <p>{`Vous avez écrit à cette structure (${PROJECT_STATES[contacts.written.get(provider.id)!.state].toLowerCase()}) : `}<a href={contacts.written.get(provider.id)!.href}>{`suivre le projet avec ${provider.name}`}</a></p>
                ) : contacts.enabled ? (
                  <ContactForm diagnosticToken={props.token} provider={provider} token={props.formToken} state={formState(contactFormName(provider.slug), contacts.refused)} />
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section class="card" aria-labelledby="titre-modules">
        <h2 id="titre-modules">Les modules du parcours pour vous préparer</h2>
        <ul>{p.modules.map((m) => <li><a href={`/parcours/${m.slug}`}>{m.title}</a>{` (${m.estimatedMinutes} min)`}</li>)}</ul>
      </section>
      <section class="card" aria-labelledby="titre-ateliers">
        <h2 id="titre-ateliers">Les prochains ateliers près de chez vous ou en ligne</h2>
        {p.sessions.length === 0 ? <p class="empty">Aucun atelier prévu près de chez vous pour l’instant. <a href="/agenda">Voir tout l’agenda</a>.</p> : (
          <ul>
            {p.sessions.map((s) => (
              <li><a href={`/agenda/sessions/${s.id}`}>{s.title}</a>{` — ${frenchDateTime(s.startsAt)}, ${s.place.address ?? 'en ligne'}`}</li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="titre-suppression">
        <h2 id="titre-suppression">Vos réponses</h2>
        <p>{`${d.associationName || 'Association sans nom'} — ${territoryLabel(d.territory)}, ${SIZES[d.size].toLowerCase()}.`}</p>
        <PostForm action={`/diagnostic/${props.token}/supprimer`} token={props.formToken} class="inline" label="Supprimer le diagnostic">
          <button type="submit">Supprimer ce diagnostic</button>
        </PostForm>
      </section>
    </>
  );
}

export function createDiagnosticPages(service: MatchmakingService, web: Web, projects?: ProjectService): Router {
  const router = express.Router();

  router.get('/diagnostic', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      web.send(res, 200, {
        title: 'Diagnostic des besoins numériques', section: 'annuaire', context, stylesheets: [CSS],
        lead: 'Dix questions sur vos outils : vous repartez avec des logiciels libres pour chacun, des structures qui peuvent vous accompagner près de chez vous, les modules de formation et les prochains ateliers. Sans compte.',
        children: <Questionnaire service={service} state={formState(FORM, context.refused)} token={context.formToken} />,
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/diagnostic', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/diagnostic', { notice: 'Votre diagnostic est enregistré.' });
      const read_ = read(fields, service.needs.map((n) => n.id));
      if ('errors' in read_) return web.refuse(req, res, '/diagnostic', { form: FORM, values: fields, errors: read_.errors });
      if (!(await web.admit(req, res, { form: FORM, perAddress: 10, perEmail: 5 }, { form: FORM, to: '/diagnostic', values: fields, field: 'courriel', email: read_.email }))) return;
      const token = await service.create(read_.diagnostic, read_.email, (t) => web.absolute(`/diagnostic/${t}`, req));
      web.redirect(req, res, `/diagnostic/${token}`, { notice: 'Votre diagnostic est enregistré : son lien privé vous a été envoyé par courriel.' });
    } catch (err) {
      next(err);
    }
  });

  router.get('/diagnostic/:token', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = String(req.params.token);
      const found = await service.findWithId(token);
      if (!found) return web.notFound(res, context, 'Aucun diagnostic ne correspond à ce lien : il a peut-être été supprimé.');
      const diagnostic = found.diagnostic;
      const [proposal, opened] = await Promise.all([service.propose(diagnostic), projects ? projects.ofDiagnostic(found.id) : Promise.resolve([])]);
      const links = associationProjectLinks(token, opened.map((o) => o.providerId));
      const contacts: Contacts = {
        written: new Map(opened.map((o) => [o.providerId, { state: o.state, href: links.get(o.providerId)! }])),
        refused: context.refused, enabled: projects !== undefined,
      };
      // A private link: never kept by a cache, never sent on as a Referer.
      res.set('Referrer-Policy', 'no-referrer');
      web.send(res, 200, {
        title: diagnostic.associationName ? `Diagnostic ${de(diagnostic.associationName)}` : 'Votre diagnostic',
        section: 'annuaire', context, stylesheets: [CSS],
        lead: 'Ce lien est privé : gardez-le pour revenir à ces propositions, ou supprimez le diagnostic en bas de page.',
        children: <Answer diagnostic={diagnostic} proposal={proposal} service={service} token={token} formToken={context.formToken} contacts={contacts} />,
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/diagnostic/:token/supprimer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const deleted = await service.delete(String(req.params.token));
      web.redirect(req, res, '/diagnostic', { notice: deleted ? 'Le diagnostic est supprimé : ses réponses ne sont plus conservées.' : 'Ce diagnostic était déjà supprimé.' });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
