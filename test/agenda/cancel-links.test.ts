/**
 * Every mail to a registered person carries its own cancellation link: the registration mail,
 * and also « une place s’est libérée » and « session modifiée » (each with a new token, kept
 * hashed); each link cancels, once.
 */
import { afterEach, expect, it } from 'vitest';
import { createAgenda } from '../../src/agenda/index.js';
import type { AgendaService } from '../../src/agenda/service.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { MODULES, NOW, registerConfirmed, sessionInput } from './fixtures.js';

const PUBLIC = 'https://pollen.example.org';
const LINK = new RegExp(`${PUBLIC}/agenda/desinscription\\?jeton=([A-Za-z0-9_%-]+)`);

describeEachStore('cancellation links in every agenda mail', (backend) => {
  const opened: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  async function outbox(store: StoreDb, kind: string, to: string): Promise<string> {
    const rows = await store.db.selectFrom('mail_outbox').select(['body']).where('kind', '=', kind).where('recipient', '=', to).orderBy('id').execute();
    expect(rows).toHaveLength(1);
    return String(rows[0]!.body);
  }

  async function tokenIn(body: string): Promise<string> {
    const match = LINK.exec(body);
    expect(match, body).not.toBeNull();
    return decodeURIComponent(match![1]!);
  }

  it('gives the promoted person and everyone told of a move a link of their own that cancels', async () => {
    const store = await backend.open();
    opened.push(store);
    const agenda: AgendaService = await createAgenda(store, { modules: MODULES, now: () => NOW, mail: { publicUrl: PUBLIC, smtpConfigured: false } });
    const input = sessionInput({ capacity: 1 });
    const { session } = await agenda.createSession(input);
    const ana = await registerConfirmed(agenda, session.id, { name: 'Ana', email: 'ana@exemple.org' });
    const bea = await registerConfirmed(agenda, session.id, { name: 'Béa', email: 'bea@exemple.org' });
    await registerConfirmed(agenda, session.id, { name: 'Cyd', email: 'cyd@exemple.org' });

    await agenda.cancelRegistration(ana.token);
    const promoted = await outbox(store, 'agenda.promoted', 'bea@exemple.org');
    const beaToken = await tokenIn(promoted);
    expect(beaToken).not.toBe(bea.token);
    expect((await agenda.byToken(beaToken))?.registration).toMatchObject({ name: 'Béa', status: 'confirmed' });

    await agenda.updateSession(session.id, { ...input, address: '4 place Bellecour, 69002 Lyon' });
    const told = await outbox(store, 'agenda.changed', 'cyd@exemple.org');
    expect(told).toContain('Le nouveau lieu ne vous convient pas ?');
    const cydToken = await tokenIn(told);
    expect((await agenda.cancelRegistration(cydToken)).registration).toMatchObject({ name: 'Cyd', status: 'cancelled' });
    expect((await outbox(store, 'agenda.changed', 'bea@exemple.org')).match(LINK)?.[1]).not.toBe(beaToken);

    // The link from the « place freed » mail cancels Béa's seat; used again, it says so.
    expect((await agenda.cancelRegistration(beaToken)).registration).toMatchObject({ name: 'Béa', status: 'cancelled' });
    await expect(agenda.cancelRegistration(beaToken)).rejects.toMatchObject({ code: 'REGISTRATION_ALREADY_CANCELLED' });
    await expect(agenda.cancelRegistration(bea.token)).rejects.toMatchObject({ code: 'REGISTRATION_ALREADY_CANCELLED' });
    // Only hashes are kept.
    const kept = JSON.stringify(await store.db.selectFrom('agenda_registration_tokens').selectAll().execute());
    expect(kept).not.toContain(beaToken);
    expect(kept).not.toContain(cydToken);
  });
});
