/** Attendance completes a workshop module: a signed-in learner marked present gets the module done. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { FACILITATOR_TOKEN, REGISTER, startAgendaGateway, type AgendaGateway } from './support.js';

const NOW = new Date('2026-03-01T08:00:00Z');
const MARK = 'mutation ($id: Int!) { markAttendance(registrationId: $id, present: true) { present } }';

describeEachStore('attendance and progress', (backend) => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let learner: string;

  beforeAll(async () => {
    store = await backend.open();
    gw = await startAgendaGateway(store, () => NOW);
    learner = await gw.learner('alice', 'Alice Martin');
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  /** Alice registers for a session of the module, a facilitator marks her present; her progress on it. */
  async function attend(moduleSlug: string): Promise<{ learnerId: string; state: string | undefined }> {
    const { session } = await gw.agenda.createSession({ moduleSlug, title: `Atelier ${moduleSlug}`, startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, Lyon', capacity: 5 });
    expect((await gw.gql(REGISTER, { id: session.id }, learner)).body.data?.registerForSession.registration.status).toBe('CONFIRMED');
    const registration = (await gw.agenda.registrations(session.id))[0]!;
    const learnerId = registration.learnerId!;
    expect((await gw.gql(MARK, { id: registration.id }, FACILITATOR_TOKEN)).body.data?.markAttendance.present).toBe(true);
    const progress = await gw.progress.learnerProgress(learnerId);
    return { learnerId, state: progress.modules.find((m) => m.slug === moduleSlug)?.state };
  }

  it('leaves the progress unchanged for a module without attendanceCompletes', async () => {
    const { state } = await attend('bienvenue');
    expect(state).not.toBe('done');
  });

  it('marks the module done for a learner present at a session of an attendanceCompletes module', async () => {
    const { learnerId, state } = await attend('gouvernance');
    expect(state).toBe('done');
    const progress = await gw.progress.learnerProgress(learnerId);
    expect(progress.modules.filter((m) => m.state === 'done').map((m) => m.slug)).toEqual(['gouvernance']);
    expect(await gw.agenda.attendedModules(learnerId)).toEqual(expect.arrayContaining(['bienvenue', 'gouvernance']));
  });
});
