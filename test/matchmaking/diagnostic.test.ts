/**
 * The needs diagnostic on the runtime `npm start` builds: an association answers without an
 * account, gets its private link by mail, and the answer page proposes free alternatives for the
 * tools it named, the listed providers of its territory ranked, the modules and the sessions near
 * it or online; the diagnostic can be deleted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { MailOutbox } from '../../src/mail/outbox.js';
import { AlternativesError, loadAlternatives } from '../../src/matchmaking/alternatives.js';
import { departementOfAddress } from '../../src/matchmaking/service.js';
import { startRuntimeGateway } from '../gateway/http.js';
import { FormBrowser, formTokenIn } from '../support/form-browser.js';
import { freePort } from '../support/net.js';

let running: Awaited<ReturnType<typeof startRuntimeGateway>>;
const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Spec' };
const HOSTILE = '<script>alert(1)</script> ~~~~ [[Asso]]';

async function listed(name: string, territories: string[], services: string[]): Promise<void> {
  const directory = running.runtime.deps.directory!;
  const p = await directory.declare(staff, {
    name, kind: 'chatons', description: `${name}, hébergeur associatif.`, services: services as never, territories,
    address: null, website: `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.org`,
  }, `spec:${name}`);
  await directory.approveProvider(staff, p.slug);
  // Listed once associations recommended it after a project, and a facilitator checked.
  const yes = { answer: 'yes' as const, comment: null };
  for (const k of [1, 2]) {
    const r = await directory.recommend({ role: 'anonymous', learnerId: null, displayName: null }, {
      providerSlug: p.slug, associationName: `Association ${k} de ${name}`, verificationContact: `bureau${k}@asso.example.net`, periodStart: '2025-03',
      work: 'Migration des outils.', tools: ['Nextcloud'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
      quote: null, quoteConsent: false,
    }, `spec:${name}:${k}`);
    await directory.verifyRecommendation(staff, r.id);
  }
}

beforeAll(async () => {
  running = await startRuntimeGateway(`http://127.0.0.1:${await freePort()}/api.php`, { botUser: 'Robot@pollen', botPassword: 'x' });
  await listed('Hébergeur du Rhône', ['69'], ['hebergement', 'formation']);
  await listed('Collectif régional', ['auvergne-rhone-alpes'], ['hebergement']);
  await listed('Hébergeur à distance', ['a-distance'], ['hebergement', 'accompagnement']);
  await listed('Hébergeur breton', ['35'], ['hebergement']);
  await listed('Conseil en financement', ['69'], ['financement']);
  const agenda = running.runtime.deps.agenda!;
  const day = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
  await agenda.createSession({ moduleSlug: 'prise-en-main-outils', title: 'Prendre en main Nextcloud à Lyon', startsAt: `${day(5)}T14:00`, endsAt: `${day(5)}T17:00`, address: 'Maison des associations, 28 rue Denfert-Rochereau, 69004 Lyon', capacity: 12 });
  await agenda.createSession({ moduleSlug: 'logiciel-libre', title: 'Le logiciel libre, en ligne', startsAt: `${day(6)}T18:00`, endsAt: `${day(6)}T19:30`, address: null, onlineUrl: 'https://visio.exemple.org/atelier', capacity: 30 });
  await agenda.createSession({ moduleSlug: 'logiciel-libre', title: 'Atelier à Rennes', startsAt: `${day(7)}T14:00`, endsAt: `${day(7)}T17:00`, address: '4 cours des Alliés, 35000 Rennes', capacity: 12 });
});
afterAll(async () => {
  await running?.close();
});

function answers(overrides: Record<string, string> = {}): Array<[string, string]> {
  const tools = { messagerie: 'proprietaire', fichiers: 'proprietaire', agenda: 'libre', formulaires: 'libre', visio: 'libre', site: 'libre', comptabilite: 'aucun', adherents: 'libre' };
  const all: Array<[string, string]> = [
    ['association', HOSTILE], ['courriel', 'bureau@asso.example.org'], ['territoire', '69'], ['taille', 'petite'], ['benevoles', '12'], ['salaries', ''],
    ...Object.entries(tools).map(([k, v]): [string, string] => [`outil-${k}`, v]),
    ['genes', 'couts'], ['genes', 'donnees'], ['genes_texte', 'Nos fichiers sont partout.'],
  ];
  return all.map(([k, v]) => [k, overrides[k] ?? v]);
}

describe('the needs diagnostic', () => {
  it('refuses an incomplete questionnaire with each error under its field and what was typed kept', async () => {
    const b = new FormBrowser(running.gateway.url);
    const token = formTokenIn((await b.get('/diagnostic')).html);
    const incomplete = answers({ courriel: 'pas-une-adresse', territoire: '' }).filter(([k]) => k !== 'outil-visio');
    const res = await b.post('/diagnostic', [['csrf', token], ...incomplete]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/diagnostic');
    const { html } = await b.get('/diagnostic');
    expect(html).toContain('id="champ-courriel-erreur">Erreur : Indiquez une adresse e-mail valide');
    expect(html).toMatch(/<input id="champ-courriel"[^>]*value="pas-une-adresse"[^>]*autofocus/);
    expect(html).toContain('id="champ-territoire-erreur">Erreur : Choisissez le département');
    expect(html).toContain('id="champ-outil-visio-erreur">Erreur : Choisissez une réponse.');
    // Answers given are kept: the hostile name (escaped) and the chosen radio buttons.
    expect(html).toContain('value="&lt;script>alert(1)&lt;/script> ~~~~ [[Asso]]"');
    expect(html).toMatch(/name="outil-messagerie" value="proprietaire" checked/);
    expect(html).toMatch(/name="genes" value="donnees" checked/);
    expect(await new MailOutbox(running.runtime.database).list()).toEqual([]);
  });

  it('saves it, mails its private link, and proposes alternatives, ranked providers of its territory, modules and sessions near it or online', async () => {
    const b = new FormBrowser(running.gateway.url);
    const token = formTokenIn((await b.get('/diagnostic')).html);
    const res = await b.post('/diagnostic', [['csrf', token], ...answers()]);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/diagnostic\/[\w-]{32}$/);
    const mails = await new MailOutbox(running.runtime.database).list();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe('bureau@asso.example.org');
    expect(mails[0]!.text).toContain(`${running.gateway.url}${location}`);
    // The address is used for the mail only: the stored answers never hold it.
    const rows = await running.runtime.database.db.selectFrom('matchmaking_diagnostics').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('bureau@asso.example.org');

    const { res: page, html } = await b.get(location);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toContain('Votre diagnostic est enregistré : son lien privé vous a été envoyé par courriel.');
    expect(html).toContain('<title>Diagnostic de &lt;script>alert(1)&lt;/script> ~~~~ [[Asso]] — Pollen</title>');
    const section = (id: string) => html.slice(html.indexOf(`id="${id}"`), html.indexOf('</section>', html.indexOf(`id="${id}"`)));
    // Alternatives for the two tools named, not for those already free.
    expect(section('titre-outils')).toContain('<h3>Messagerie</h3>');
    expect(section('titre-outils')).toContain('<h3>Fichiers partagés</h3>');
    expect(section('titre-outils')).toContain('Nextcloud');
    expect(section('titre-outils')).not.toContain('<h3>Visioconférence</h3>');
    // Providers: the département first, then the région, then at a distance; never Brittany nor a service not needed.
    const providers = [...section('titre-structures').matchAll(/<a href="\/annuaire\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(providers).toEqual(['Hébergeur du Rhône', 'Collectif régional', 'Hébergeur à distance']);
    expect(section('titre-modules')).toContain('href="/parcours/logiciel-libre"');
    expect(section('titre-modules')).toContain('href="/parcours/prise-en-main-outils"');
    const sessions = section('titre-ateliers');
    expect(sessions).toContain('Prendre en main Nextcloud à Lyon');
    expect(sessions).toContain('Le logiciel libre, en ligne');
    expect(sessions).not.toContain('Atelier à Rennes');
  });

  it('deletes it from its page: the link answers 404 afterwards', async () => {
    const b = new FormBrowser(running.gateway.url);
    const token = formTokenIn((await b.get('/diagnostic')).html);
    const location = (await b.post('/diagnostic', [['csrf', token], ...answers({ courriel: 'autre@asso.example.org' })])).headers.get('location')!;
    const page = (await b.get(location)).html;
    const action = /<form method="post" action="([^"]+\/supprimer)"/.exec(page)![1]!;
    const deleted = await b.post(action, [['csrf', formTokenIn(page.slice(page.indexOf(action)))]]);
    expect(deleted.status).toBe(303);
    expect((await b.get('/diagnostic')).html).toContain('Le diagnostic est supprimé');
    expect((await b.get(location)).res.status).toBe(404);
  });
});

describe('the alternatives catalogue', () => {
  it('loads the repository\'s file against the parcours, and names the need and module at fault in a broken one', async () => {
    const curriculum = await loadCurriculum('course-modules');
    const needs = await loadAlternatives(curriculum);
    expect(needs.map((n) => n.id)).toContain('messagerie');
    const dir = await mkdtemp(path.join(tmpdir(), 'pollen-alternatives-'));
    try {
      const file = path.join(dir, 'alternatives.yaml');
      await writeFile(file, 'needs:\n  - id: visio\n    label: Visio\n    question: Les réunions\n    proprietary: [Zoom]\n    alternatives: [{ name: Jitsi, software: Jitsi Meet, hosted: true, what: Des réunions. }]\n    services: [hebergement]\n    modules: [module-inexistant]\n');
      await expect(loadAlternatives(curriculum, file)).rejects.toThrow(AlternativesError);
      await expect(loadAlternatives(curriculum, file)).rejects.toThrow('need "visio" names module "module-inexistant"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the département of a session from its postal code, Corsica and overseas included', () => {
    expect(departementOfAddress('28 rue Denfert-Rochereau, 69004 Lyon')).toBe('69');
    expect(departementOfAddress('Route de Saint-Pierre, 97410 Saint-Pierre')).toBe('974');
    expect(departementOfAddress('Cours Napoléon, 20000 Ajaccio')).toBe('2A');
    expect(departementOfAddress('Place Saint-Nicolas, 20200 Bastia')).toBe('2B');
    expect(departementOfAddress('En ligne')).toBeUndefined();
  });
});
