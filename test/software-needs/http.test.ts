/**
 * Issue 25, item 4 (and its parts of items 5, 6, 7): `/besoins-logiciels` over HTTP on a real
 * store, mails through a real SMTP server. The forms and their mailed confirmations, one
 * association counted once, twenty identical sends making one row, limits and honeypot, the
 * facilitators' moderation and CSV export, the wiki pages on a real local wiki, and the GraphQL
 * denials. The service's counting also runs on PostgreSQL (last block).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import type { Viewer } from '../../src/auth/viewer.js';
import { loadConfig } from '../../src/config/index.js';
import { deliverDueMails, MailOutbox, smtpSender, type MailSender } from '../../src/mail/index.js';
import { SoftwareNeedsService } from '../../src/software-needs/service.js';
import { readChangeVersions } from '../../src/store/changes.js';
import { publishSoftwareNeeds } from '../../src/software-needs/wiki.js';
import { MemoryFormLimits, type FormLimitRule, type FormLimits } from '../../src/web/limits.js';
import { linkIn, Visitor } from '../directory/pages-support.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { startSmtp, type Received } from '../support/smtp.js';
import { freePort } from '../support/net.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const FACILITATOR_TOKEN = 'software-needs-facilitator-token-0123456789';
const FACILITATOR: Viewer = { role: 'facilitator', learnerId: null, displayName: 'Animatrice' };

/** The shared form limits, switched off for the specs that are about something else. */
class SwitchableLimits implements FormLimits {
  on = true;
  readonly inner = new MemoryFormLimits();
  admit(rule: FormLimitRule, ip: string | undefined, email?: string): Promise<number> {
    return this.on ? this.inner.admit(rule, ip, email) : Promise.resolve(0);
  }
}

let runtime: Runtime;
let gw: RunningGateway;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let sender: MailSender;
let staffCookie = '';
const limits = new SwitchableLimits();
let ip = 10;
const visitor = () => new Visitor(gw.url, `198.51.100.${ip++}`);
const service = () => runtime.deps.softwareNeeds!;

async function deliver(): Promise<Received[]> {
  const before = smtp.inbox.length;
  await deliverDueMails(new MailOutbox(runtime.database), sender, smtp.url);
  return smtp.inbox.slice(before);
}

beforeAll(async () => {
  smtp = await startSmtp();
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@pollen', WIKI_BOT_PASSWORD: 'x',
    POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, POLLEN_SMTP_URL: smtp.url,
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  // The answer cache on, as `npm start` runs it: GraphQL answers must follow writes.
  gw = await startGateway(runtime.deps, { trustProxy: 'loopback', web: { store: runtime.database, limits }, answerCache: { storeChanges: () => readChangeVersions(runtime.database), storeCheckMs: 0 } });
  sender = smtpSender(smtp.url, config.mail.from);
  const signIn = await fetch(`${gw.url}/dashboard/connexion`, {
    method: 'POST', redirect: 'manual', headers: { origin: gw.url, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
  });
  staffCookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(staffCookie).toMatch(/^pollen_session=/);
}, 60_000);
afterAll(async () => {
  sender?.close();
  await gw?.close();
  runtime?.close();
  await smtp?.close();
});

/** A facilitator's browser: the staff session's cookie. */
function staff(): Visitor {
  const v = visitor();
  const [name, value] = staffCookie.split('=');
  v.cookies.set(name!, value!);
  return v;
}

const proposalFields = (overrides: Record<string, string> = {}) => ({
  titre: 'Relances d’adhésion automatiques', type: 'fonctionnalite', logiciel: 'Paheko',
  description: 'Nous relançons à la main chaque adhérent·e dont la cotisation arrive à échéance : Paheko pourrait le faire.',
  association: 'Les Jardins Partagés', courriel: 'bureau@jardins.example.net', ...overrides,
});

/** Proposes, confirms by the mailed link and approves: the proposal's id. */
async function approvedProposal(title: string, association: string, email: string): Promise<number> {
  const v = visitor();
  const sent = await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: title, association, courriel: email }));
  expect(sent.location).toBe('/besoins-logiciels');
  const mail = (await deliver()).find((m) => m.to === email)!;
  const link = linkIn(mail.text, '/besoins-logiciels/confirmer?jeton=');
  await v.post(link, '/besoins-logiciels/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
  const row = await service().db.selectFrom('software_needs').select('id').where('title', '=', title).executeTakeFirstOrThrow();
  const decided = await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/decision', { id: String(row.id), decision: 'approve' });
  expect(decided.location).toBe('/dashboard/besoins-logiciels?fait=approve');
  return Number(row.id);
}

/** Adds an association's need (or an offer) and confirms it through its mail. */
async function confirmedEntry(id: number, path: 'besoin' | 'realiser', fields: Record<string, string>): Promise<string> {
  const v = visitor();
  const sent = await v.post(`/besoins-logiciels/${id}/${path}`, `/besoins-logiciels/${id}/${path}`, fields);
  expect(sent.status).toBe(303);
  const mail = (await deliver()).find((m) => m.to === fields.courriel)!;
  const link = linkIn(mail.text, '/besoins-logiciels/confirmer?jeton=');
  const done = await v.post(link, '/besoins-logiciels/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
  return done.html;
}

describe('proposing a need', () => {
  it('is stored unconfirmed and invisible; the mailed link (a button, not the GET) sends it to the facilitators; approved, it shows', async () => {
    const v = visitor();
    const form = await v.get('/besoins-logiciels/proposer');
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="site_web"');
    const sent = await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: 'Agenda partagé <script>alert(1)</script> [[Catégorie:Spam]] ~~~~', courriel: 'Bureau@Agenda.example.net' }));
    expect(sent.location).toBe('/besoins-logiciels');
    expect(sent.html).toContain('Un e-mail vient d’être envoyé à bureau@agenda.example.net');
    const row = await service().db.selectFrom('software_needs').selectAll().where('title', 'like', 'Agenda partagé%').executeTakeFirstOrThrow();
    expect(row.status).toBe('unconfirmed');
    expect((await v.get(`/besoins-logiciels/${row.id}`)).status).toBe(404);

    const [mail] = await deliver();
    expect(mail!.to).toBe('bureau@agenda.example.net');
    expect(mail!.subject).toBe('Confirmez votre proposition de besoin logiciel');
    const link = linkIn(mail!.text, '/besoins-logiciels/confirmer?jeton=');
    const opened = await v.get(link);
    expect(opened.html).toContain('Confirmer</button>');
    expect((await service().proposal(Number(row.id)))!.status).toBe('unconfirmed');
    const confirmed = await v.post(link, '/besoins-logiciels/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
    expect(confirmed.html).toContain('votre proposition est confirmée');
    expect((await service().proposal(Number(row.id)))!.status).toBe('pending');
    // Still not public while pending; a second use of the link does nothing.
    expect((await v.get(`/besoins-logiciels/${row.id}`)).status).toBe(404);
    expect((await v.get(link)).status).toBe(410);

    const moderation = await staff().get('/dashboard/besoins-logiciels');
    expect(moderation.html).toContain('Propositions en attente (1)');
    expect(moderation.html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(moderation.html).not.toContain('<script>alert(1)');
    expect(moderation.html).toContain('bureau@agenda.example.net');
    await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/decision', { id: String(row.id), decision: 'approve' });
    const page = await v.get(`/besoins-logiciels/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).toContain('Les Jardins Partagés');
    expect(page.html).not.toContain('bureau@agenda.example.net');
    // The slug address answers the same page.
    expect((await v.get(`/besoins-logiciels/${row.id}-agenda-partage`)).status).toBe(200);
  });

  it('refuses each bad field next to it, keeping what was typed', async () => {
    const v = visitor();
    const refused = await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ description: 'Trop court', courriel: 'pas-une-adresse', type: 'autre' }));
    expect(refused.location).toBe('/besoins-logiciels/proposer');
    expect(refused.html).toContain('Erreur : Ce texte est trop court (10 caractères)');
    expect(refused.html).toContain('Erreur : Indiquez une adresse e-mail valide');
    expect(refused.html).toContain('Erreur : Choisissez s’il s’agit d’un logiciel entier ou d’une fonctionnalité.');
    expect(refused.html).toContain('value="Relances d’adhésion automatiques"');
    expect(refused.html).toContain('value="pas-une-adresse"');
    expect(refused.html).toContain('>Trop court</textarea>');
  });

  it('a filled honeypot is answered as a success and stores nothing, sends nothing', async () => {
    const before = await service().db.selectFrom('software_needs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const sent = await visitor().post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: 'Robot', site_web: 'http://spam.example' }));
    expect(sent.html).toContain('Un e-mail vient d’être envoyé');
    const after = await service().db.selectFrom('software_needs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await deliver()).toEqual([]);
  });

  it('a forged POST (no form token) is refused and stores nothing', async () => {
    const v = visitor();
    const res = await v.postWith('', '/besoins-logiciels/proposer', proposalFields({ titre: 'Sans jeton' }));
    expect(res.status).toBe(403);
    expect(await service().db.selectFrom('software_needs').select('id').where('title', '=', 'Sans jeton').executeTakeFirst()).toBeUndefined();
  });

  it('limits one address to 5 proposals an hour, the refusal next to the title with what was typed', async () => {
    const v = visitor();
    for (let i = 0; i < 5; i++) {
      const ok = await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: `Limite ${i}`, courriel: `limite${i}@example.net` }));
      expect(ok.location).toBe('/besoins-logiciels');
    }
    const refused = await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: 'Limite 5', courriel: 'limite5@example.net' }));
    expect(refused.location).toBe('/besoins-logiciels/proposer');
    expect(refused.html).toMatch(/Erreur : Trop d’envois de ce formulaire depuis votre connexion[^<]*réessayez dans (une heure|\d+ minutes)/);
    expect(refused.html).toContain('value="Limite 5"');
    expect(await service().db.selectFrom('software_needs').select('id').where('title', '=', 'Limite 5').executeTakeFirst()).toBeUndefined();
    await deliver();
  });

  it('twenty identical proposals sent at once make one row and one mail', async () => {
    limits.on = false;
    try {
      const v = visitor();
      const token = /name="csrf" value="([^"]+)"/.exec((await v.get('/besoins-logiciels/proposer')).html)![1]!;
      const fields = proposalFields({ titre: 'Vingt fois la même', courriel: 'vingt@example.net' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => v.postWith(token, '/besoins-logiciels/proposer', fields)));
      expect(answers.every((a) => a.status === 303)).toBe(true);
      const rows = await service().db.selectFrom('software_needs').select('id').where('title', '=', 'Vingt fois la même').execute();
      expect(rows).toHaveLength(1);
      expect((await deliver()).filter((m) => m.to === 'vingt@example.net')).toHaveLength(1);
    } finally {
      limits.on = true;
    }
  });
});

describe('adding needs and offers to an approved proposal', () => {
  let id = 0;
  beforeAll(async () => {
    id = await approvedProposal('Planning de bénévoles', 'Festival des Cabanes', 'festival@cabanes.example.net');
  }, 60_000);

  it('counts a confirmed need with its pledge, shows names and summed pledges, never addresses; an unconfirmed one does not count', async () => {
    const html = await confirmedEntry(id, 'besoin', { association: 'AMAP du Vercors', courriel: 'amap@vercors.example.net', heures: '12', euros: '300', note: 'Nous testerons.' });
    expect(html).toContain('votre participation est prise en compte');
    // Sent, never confirmed: not counted, not shown.
    await visitor().post(`/besoins-logiciels/${id}/besoin`, `/besoins-logiciels/${id}/besoin`, { association: 'Association Fantôme', courriel: 'fantome@example.net', euros: '5000' });
    await deliver();
    const page = await visitor().get(`/besoins-logiciels/${id}`);
    expect(page.html).toContain('Les associations qui en ont besoin (2)');
    expect(page.html).toContain('Festival des Cabanes');
    expect(page.html).toContain('AMAP du Vercors');
    expect(page.html).toContain('Contributions annoncées : 12 heures et 300 € promis par 1 association.');
    expect(page.html).toContain('non encaissées par Pollen');
    expect(page.html).not.toContain('Association Fantôme');
    expect(page.html).not.toContain('amap@vercors.example.net');
    expect(page.html).not.toContain('festival@cabanes.example.net');
    // Not yet on the wiki: no link to a missing page.
    expect(page.html).not.toContain('sur le wiki des communs');
    expect((await service().publicProposal(id))!.associationCount).toBe(2);
  });

  it('the same association twice (same address, or same name written differently) counts once; its latest pledge replaces the first', async () => {
    await confirmedEntry(id, 'besoin', { association: 'Épicerie Solidaire', courriel: 'epicerie@example.net', euros: '100' });
    await confirmedEntry(id, 'besoin', { association: 'Épicerie solidaire du centre', courriel: 'epicerie@example.net', euros: '150' });
    await confirmedEntry(id, 'besoin', { association: 'EPICERIE  solidaire', courriel: 'autre-adresse@example.net' });
    const p = (await service().publicProposal(id))!;
    expect(p.associationCount).toBe(3);
    const totals = (await service().totals([id])).get(id)!;
    expect(totals).toEqual({ hours: 12, euros: 450, pledges: 2 });
  });

  it('an offer shows its name, its link and its note', async () => {
    await confirmedEntry(id, 'realiser', { nom: 'Camille Développe', courriel: 'camille@example.net', lien: 'https://code.example.net/camille', note: 'Trois mois.' });
    const refused = await visitor().post(`/besoins-logiciels/${id}/realiser`, `/besoins-logiciels/${id}/realiser`, { nom: 'Mauvais lien', courriel: 'x@example.net', lien: 'javascript:alert(1)' });
    expect(refused.html).toContain('Erreur : Indiquez une adresse web complète');
    expect(refused.html).toContain('value="javascript:alert(1)"');
    const page = await visitor().get(`/besoins-logiciels/${id}`);
    expect(page.html).toContain('Qui pourrait le réaliser (1)');
    expect(page.html).toContain('<a href="https://code.example.net/camille" rel="nofollow ugc noopener noreferrer">Camille Développe</a>');
    expect(page.html).not.toContain('camille@example.net');
  });

  it('refuses a pledge that is not a whole number, next to its field', async () => {
    const refused = await visitor().post(`/besoins-logiciels/${id}/besoin`, `/besoins-logiciels/${id}/besoin`, { association: 'Club', courriel: 'club@example.net', heures: '2,5' });
    expect(refused.location).toBe(`/besoins-logiciels/${id}/besoin`);
    expect(refused.html).toContain('Erreur : Indiquez un nombre entier de heures');
    expect(refused.html).toContain('value="2,5"');
  });

  it('twenty identical needs sent at once make one entry and one mail', async () => {
    limits.on = false;
    try {
      const v = visitor();
      const token = /name="csrf" value="([^"]+)"/.exec((await v.get(`/besoins-logiciels/${id}/besoin`)).html)![1]!;
      const fields = { association: 'Vingt Associations', courriel: 'vingt-besoins@example.net', heures: '3' };
      await Promise.all(Array.from({ length: 20 }, () => v.postWith(token, `/besoins-logiciels/${id}/besoin`, fields)));
      const rows = await service().db.selectFrom('software_need_entries').select('id').where('email', '=', 'vingt-besoins@example.net').execute();
      expect(rows).toHaveLength(1);
      expect((await deliver()).filter((m) => m.to === 'vingt-besoins@example.net')).toHaveLength(1);
    } finally {
      limits.on = true;
    }
  });

  it('a facilitator hides a contribution: it no longer shows nor counts', async () => {
    const entry = await service().db.selectFrom('software_need_entries').select('id').where('name', '=', 'AMAP du Vercors').executeTakeFirstOrThrow();
    const done = await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/masquer', { entry: String(entry.id) });
    expect(done.html).toContain('Contribution masquée');
    const page = await visitor().get(`/besoins-logiciels/${id}`);
    expect(page.html).not.toContain('AMAP du Vercors');
    expect((await service().publicProposal(id))!.associationCount).toBe(2);
    expect((await service().totals([id])).get(id)).toEqual({ hours: 0, euros: 150, pledges: 1 });
  });

  it('the list sorts by number of associations and filters by kind; the pages are linked', async () => {
    const list = await visitor().get('/besoins-logiciels');
    const planning = list.html.indexOf('Planning de bénévoles');
    const agenda = list.html.indexOf('Agenda partagé');
    expect(planning).toBeGreaterThan(0);
    expect(agenda).toBeGreaterThan(planning);
    const features = await visitor().get('/besoins-logiciels?type=logiciel');
    expect(features.html).toContain('Aucun besoin publié pour l’instant');
    expect((await visitor().get('/')).html).toContain('href="/besoins-logiciels"');
  });
});

describe('facilitators', () => {
  it('the page and its export are refused without a staff session', async () => {
    const anonymous = await visitor().get('/dashboard/besoins-logiciels');
    expect(anonymous.status).toBe(303);
    const csv = await visitor().get('/dashboard/besoins-logiciels/export.csv');
    expect(csv.status).toBe(303);
  });

  it('reject with a reason mailed to the association that proposed; without a reason it is refused', async () => {
    const v = visitor();
    await v.post('/besoins-logiciels/proposer', '/besoins-logiciels/proposer', proposalFields({ titre: 'Un besoin hors sujet', courriel: 'horssujet@example.net' }));
    const mail = (await deliver()).find((m) => m.to === 'horssujet@example.net')!;
    const link = linkIn(mail.text, '/besoins-logiciels/confirmer?jeton=');
    await v.post(link, '/besoins-logiciels/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
    const row = await service().db.selectFrom('software_needs').select('id').where('title', '=', 'Un besoin hors sujet').executeTakeFirstOrThrow();
    const noReason = await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/decision', { id: String(row.id), decision: 'reject', reason: ' ' });
    expect(noReason.html).toContain('Écrivez le motif du refus');
    await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/decision', { id: String(row.id), decision: 'reject', reason: 'Ce besoin concerne un logiciel propriétaire.' });
    const [refusal] = (await deliver()).filter((m) => m.to === 'horssujet@example.net');
    expect(refusal!.subject).toBe('Votre proposition de besoin logiciel n’a pas été retenue');
    expect(refusal!.text).toContain('Ce besoin concerne un logiciel propriétaire.');
    expect((await v.get(`/besoins-logiciels/${row.id}`)).status).toBe(404);
  });

  it('lists proposals by number of associations with pledge totals, and exports them as CSV with ISO dates', async () => {
    const page = await staff().get('/dashboard/besoins-logiciels');
    expect(page.html).toMatch(/Planning de bénévoles<\/a><\/th><td data-label="État">publiée<\/td><td data-label="Associations" class="num">2<\/td><td data-label="Promesses">0 h et 150 € promis par 1 association/);
    const res = await fetch(`${gw.url}/dashboard/besoins-logiciels/export.csv`, { headers: { cookie: staffCookie } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = await res.text();
    const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('id;titre;type;logiciel;statut;associations;heures promises;euros promis;associations ayant promis;proposé le;confirmé le;décidé le');
    const planning = lines.find((l) => l.includes('Planning de bénévoles'))!;
    expect(planning).toMatch(/;publiée;2;0;150;1;\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z;\d{4}-\d{2}-\d{2}T[^;]+;\d{4}-\d{2}-\d{2}T[^;]+$/);
    expect(csv).not.toContain('festival@cabanes.example.net');
  });
});

describe('GraphQL', () => {
  it('lists approved proposals only, most needed first, with confirmed entries only', async () => {
    const { data: found, errors } = await gw.query('{ softwareNeeds(first: 10) { totalCount edges { cursor node { id title associationCount associations { name } pledges { hours euros associations } offers { name link } } } pageInfo { hasNextPage endCursor } } }');
    expect(errors).toBeUndefined();
    const data = found!;
    const titles = data.softwareNeeds.edges.map((e: { node: { title: string } }) => e.node.title);
    expect(titles[0]).toBe('Planning de bénévoles');
    expect(titles).not.toContain('Un besoin hors sujet');
    expect(titles).not.toContain('Vingt fois la même'); // never confirmed
    const planning = data.softwareNeeds.edges[0].node;
    expect(planning.associations.map((a: { name: string }) => a.name)).not.toContain('Association Fantôme');
    expect(planning.associations.map((a: { name: string }) => a.name)).not.toContain('AMAP du Vercors');
    expect(planning.pledges).toEqual({ hours: 0, euros: 150, associations: 1 });
    expect(planning.offers).toEqual([{ name: 'Camille Développe', link: 'https://code.example.net/camille' }]);
    const next = await gw.query('query($after: String) { softwareNeeds(first: 1, after: $after) { edges { node { title } } } }', { after: data.softwareNeeds.edges[0].cursor });
    expect(next.data!.softwareNeeds.edges[0].node.title).toBe(titles[1]);
  });

  it('an unapproved proposal is null, by id or slug', async () => {
    const pending = await service().db.selectFrom('software_needs').select('id').where('status', '!=', 'approved').execute();
    expect(pending.length).toBeGreaterThan(0);
    for (const { id } of pending) {
      const { data, errors } = await gw.query('query($id: ID!) { softwareNeed(id: $id) { title } }', { id: String(id) });
      expect(errors).toBeUndefined();
      expect(data!.softwareNeed).toBeNull();
    }
  });

  it('no e-mail is readable: no such field, and none in any answer', async () => {
    const asked = await gw.query('{ softwareNeeds { edges { node { associations { name email } } } } }');
    expect(asked.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const all = await gw.query('{ softwareNeeds(first: 100) { edges { node { id slug title description software associations { name note } offers { name link note } wikiPageTitle } } } }', undefined, { cookie: staffCookie });
    expect(JSON.stringify(all.data)).not.toMatch(/@[a-z0-9-]+\.example\.net/);
  });

  it('a cached answer follows a write (the store’s change marker)', async () => {
    const count = async () => (await gw.query('{ softwareNeeds(first: 1) { totalCount } }')).data!.softwareNeeds.totalCount as number;
    const before = await count();
    expect(await count()).toBe(before);
    const pending = await service().db.selectFrom('software_needs').select('id').where('status', '=', 'unconfirmed').where('title', '=', 'Vingt fois la même').executeTakeFirstOrThrow();
    await service().db.updateTable('software_needs').set({ status: 'pending' }).where('id', '=', pending.id).execute();
    await service().approve(FACILITATOR, Number(pending.id));
    expect(await count()).toBe(before + 1);
  });

  it('a bad cursor is a BAD_USER_INPUT, in French', async () => {
    const { errors } = await gw.query('{ softwareNeeds(after: "n-importe-quoi") { totalCount } }');
    expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0]!.message).toContain('curseur');
  });
});

describe('the wiki', () => {
  let wiki: LocalWiki;
  beforeAll(async () => {
    wiki = await startWiki();
  }, 60_000);
  afterAll(async () => {
    await wiki?.stop();
  });

  it('publishes a page per approved proposal and the index, safe titles for hostile names, no e-mail; a second run writes nothing', async () => {
    const client = await wiki.botClient();
    const first = await publishSoftwareNeeds(client, service(), { publicUrl: 'https://pollen.example.org' });
    expect(first.failures).toEqual([]);
    const approved = await service().db.selectFrom('software_needs').select(['title', 'wiki_title']).where('status', '=', 'approved').execute();
    const titles = approved.map((r) => r.wiki_title!);
    const hostile = titles.find((t) => t.startsWith('Besoins logiciels/Agenda partagé'))!;
    expect(hostile).not.toMatch(/[<>[\]{}|]|~~~/);
    const pages = [...(await client.getPages([...titles, 'Besoins logiciels'], { content: true })).values()];
    for (const p of pages) {
      expect(p.exists, p.title).toBe(true);
      expect(p.content ?? '').not.toMatch(/@[a-z0-9-]+\.example\.net/);
    }
    const planning = pages.find((p) => p.title === 'Besoins logiciels/Planning de bénévoles')!;
    expect(planning.content ?? '').toContain('Contributions annoncées : 150 € promis par 1 association (promesses, non encaissées par Pollen).');
    expect(planning.content ?? '').toContain('[https://code.example.net/camille Camille Développe]');
    expect(planning.content ?? '').toContain('https://pollen.example.org/besoins-logiciels/');
    const agenda = pages.find((p) => p.title === hostile)!;
    expect(agenda.content ?? '').not.toContain('<script>');
    expect(agenda.content ?? '').not.toContain('[[Catégorie:Spam]]');
    const index = pages.find((p) => p.title === 'Besoins logiciels')!;
    expect(index.content!.indexOf('Planning de bénévoles')).toBeLessThan(index.content!.indexOf('Agenda partagé'));
    // Once published, the proposal's page links it.
    const id = Number((await service().db.selectFrom('software_needs').select('id').where('title', '=', 'Planning de bénévoles').executeTakeFirstOrThrow()).id);
    expect((await visitor().get(`/besoins-logiciels/${id}`)).html).toContain('La page de ce besoin sur le wiki des communs');
    const again = await publishSoftwareNeeds(client, service(), { publicUrl: 'https://pollen.example.org' });
    expect(again.edits).toBe(0);
    expect(again.skipped).toBe(again.checked);
    expect(again.outcomes).toEqual([]);

    // A person edited a page: the bot's new version goes to a draft beside it, never over the edit.
    await wiki.humanEdit('Besoins logiciels/Planning de bénévoles', 'Page reprise par une personne.');
    const tokens: string[] = [];
    await service().addEntry(id, 'offer', { name: 'Atelier Libre', email: 'atelier@example.net', link: null, hours: null, euros: null, note: null }, (t) => (tokens.push(t), `https://pollen.example.org/x?jeton=${t}`));
    await service().confirm(tokens[0]!);
    const third = await publishSoftwareNeeds(client, service(), { publicUrl: 'https://pollen.example.org' });
    expect(third.drafts).toEqual(['Besoins logiciels/Planning de bénévoles/Brouillon du robot']);
    const kept = (await client.getPages(['Besoins logiciels/Planning de bénévoles'], { content: true })).values().next().value!;
    expect(kept.content).toBe('Page reprise par une personne.');

    // A proposal withdrawn by the facilitators: its page says so, the index no longer lists it.
    const agendaId = Number((await service().db.selectFrom('software_needs').select('id').where('wiki_title', '=', hostile).executeTakeFirstOrThrow()).id);
    const withdrawn = await staff().post('/dashboard/besoins-logiciels', '/dashboard/besoins-logiciels/decision', { id: String(agendaId), decision: 'reject', reason: 'Doublon d’un autre besoin.' });
    expect(withdrawn.html).toContain('Proposition refusée');
    await publishSoftwareNeeds(client, service(), { publicUrl: 'https://pollen.example.org' });
    const after = [...(await client.getPages([hostile, 'Besoins logiciels'], { content: true })).values()];
    expect(after.find((p) => p.title === hostile)!.content).toContain('n’est plus publié');
    expect(after.find((p) => p.title === 'Besoins logiciels')!.content).not.toContain('Agenda partagé');
    await deliver();
  }, 120_000);
});

describeEachStore('counting needs', (backend) => {
  it('one association counted once, confirmations racing included; twenty identical sends one row', async () => {
    const store = await openTestStore(backend);
    try {
      const s = new SoftwareNeedsService(store);
      const tokens: string[] = [];
      const keep = (t: string) => (tokens.push(t), `https://pollen.example.org/besoins-logiciels/confirmer?jeton=${t}`);
      const input = { title: 'Sondages', description: 'Des sondages libres pour nos assemblées générales.', kind: 'logiciel' as const, software: null, associationName: 'Club', email: 'club@example.org' };
      const created = await Promise.all(Array.from({ length: 20 }, () => s.propose(input, keep)));
      expect(created.filter((c) => c.created)).toHaveLength(1);
      expect(tokens).toHaveLength(1);
      await s.confirm(tokens.pop()!);
      const { id } = await s.db.selectFrom('software_needs').select('id').executeTakeFirstOrThrow();
      await s.approve(FACILITATOR, Number(id));
      // The same association, three sends (two addresses, names written differently), confirmed at once.
      await s.addEntry(Number(id), 'need', { name: 'Théâtre du Pont', email: 'a@example.org', link: null, hours: 2, euros: null, note: null }, keep);
      await s.addEntry(Number(id), 'need', { name: 'THEATRE DU PONT !', email: 'b@example.org', link: null, hours: 5, euros: null, note: null }, keep);
      await s.addEntry(Number(id), 'need', { name: 'Autre', email: 'a@example.org', link: null, hours: null, euros: 20, note: null }, keep);
      await Promise.all(tokens.splice(0).map((t) => s.confirm(t)));
      const p = (await s.publicProposal(Number(id)))!;
      expect(p.associationCount).toBe(2);
      const rows = await s.db.selectFrom('software_need_entries').select(['status', 'association_id']).where('need_id', '=', Number(id)).execute();
      expect(rows.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed']);
      expect(new Set(rows.map((r) => r.association_id)).size).toBe(2);
      // The latest pledge of the association replaces its earlier ones, whatever the order of confirmation.
      expect((await s.totals([Number(id)])).get(Number(id))).toEqual({ hours: 0, euros: 20, pledges: 1 });
    } finally {
      await store.close();
    }
  }, 60_000);
});
