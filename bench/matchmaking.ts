/**
 * Matchmaking bench: the needs diagnostic's answer page (alternatives, ranked providers of the
 * territory, modules, nearby sessions) with 2,000 listed providers and 1,000 sessions seeded
 * through the services, against the directory's own search page for the same territory
 * (`/annuaire?territoire=69`), both through the same gateway in the same run.
 *
 *   diagnostic answer page with 2,000 providers and 1,000 sessions p50 X ms, ratio to the directory search alone R
 */
import { timed, withNationalGateway } from './pages.js';

const RUNS = 300;

export default async function matchmakingBench(): Promise<void> {
  let token = '';
  await withNationalGateway('pollen-bench-matchmaking-', async ({ page }) => {
    const search = await timed(RUNS, page('/annuaire?territoire=69'));
    const answer = await timed(RUNS, page(`/diagnostic/${token}`));
    console.log(`diagnostic answer page with 2,000 providers and 1,000 sessions p50 ${answer.toFixed(2)} ms, ratio to the directory search alone ${(answer / search).toFixed(2)}`);
    console.log(`  (directory search page /annuaire?territoire=69 p50 ${search.toFixed(2)} ms)`);
  }, async (runtime) => {
    const matchmaking = runtime.deps.matchmaking!;
    const tools = Object.fromEntries(matchmaking.needs.map((n, i) => [n.id, i % 3 === 0 ? 'libre' : 'proprietaire'] as const));
    token = await matchmaking.create({
      associationName: 'Association du banc d’essai', size: 'moyenne', volunteers: 25, staff: 2, territory: '69', tools, bothers: ['couts', 'donnees'], bothersText: '',
    }, 'bureau@asso.example.org', (t) => `http://localhost/diagnostic/${t}`);
  });
}
