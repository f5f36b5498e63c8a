/**
 * Daylight-saving changes in Paris: 02:30 on 28 March 2027 does not exist (refused in French, not
 * silently saved as 03:30); 02:30 on 31 October 2027 happens twice (the first is taken, and the
 * answer says so, with how to ask for the second).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readWallClock } from '../../src/agenda/time.js';
import { runMigrations } from '../../src/store/migrations.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import type { StoreDb } from '../../src/store/database.js';
import { sqliteBackend } from '../support/postgres.js';
import { agendaOn, sessionInput } from './fixtures.js';

describe('sessions around a daylight-saving change', () => {
  const stores: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  const agenda = async () => {
    const store = await sqliteBackend.open();
    stores.push(store);
    await runMigrations(store, agendaMigrations);
    return agendaOn(store, () => new Date('2027-01-10T08:00:00Z'));
  };

  it('reads wall-clock times around both changes', () => {
    expect(readWallClock('2027-03-28T02:30', 'Europe/Paris')).toMatchObject({ skipped: true, repeated: false });
    expect(readWallClock('2027-03-28T03:30', 'Europe/Paris')).toEqual({ instant: new Date('2027-03-28T01:30:00Z'), skipped: false, repeated: false });
    expect(readWallClock('2027-10-31T02:30', 'Europe/Paris')).toEqual({ instant: new Date('2027-10-31T00:30:00Z'), skipped: false, repeated: true });
    expect(readWallClock('2027-10-31T03:30', 'Europe/Paris')).toEqual({ instant: new Date('2027-10-31T02:30:00Z'), skipped: false, repeated: false });
    expect(readWallClock('2027-10-31T02:30+01:00', 'Europe/Paris')).toEqual({ instant: new Date('2027-10-31T01:30:00Z'), skipped: false, repeated: false });
    expect(readWallClock('2027-07-14T10:00', 'America/New_York')).toEqual({ instant: new Date('2027-07-14T14:00:00Z'), skipped: false, repeated: false });
  });

  it('refuses a start in the spring-forward gap in French, and saves nothing', async () => {
    const service = await agenda();
    const refused = await service.createSession(sessionInput({ startsAt: '2027-03-28T02:30', endsAt: '2027-03-28T04:00' })).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect((refused as Error).message).toBe('L’heure de début (le 28/03/2027 à 02:30) n’existe pas dans le fuseau Europe/Paris : les horloges avancent d’une heure cette nuit-là (passage à l’heure d’été). Choisissez une heure avant ou après le changement.');
    expect((await service.list({ includePrivate: true, limit: 10 })).total).toBe(0);
  });

  it('takes the first of a time the autumn change repeats, and says so', async () => {
    const service = await agenda();
    const { session, warnings } = await service.createSession(sessionInput({ startsAt: '2027-10-31T02:30', endsAt: '2027-10-31T04:00' }));
    expect(session.startsAt).toBe('2027-10-31T00:30:00.000Z');
    expect(warnings).toEqual([
      'L’heure de début (le 31/10/2027 à 02:30) existe deux fois dans le fuseau Europe/Paris (retour à l’heure d’hiver) : la première est retenue (UTC+02:00). Pour la seconde, donnez l’heure avec son décalage : 2027-10-31T02:30+01:00.',
    ]);
    // Asking for the second with its offset gives it, without a warning.
    const second = await service.createSession(sessionInput({ title: 'Seconde', startsAt: '2027-10-31T02:30+01:00', endsAt: '2027-10-31T04:00' }));
    expect(second.session.startsAt).toBe('2027-10-31T01:30:00.000Z');
    expect(second.warnings.filter((w) => w.includes('deux fois'))).toEqual([]);
  });
});
