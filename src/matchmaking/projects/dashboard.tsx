/**
 * The facilitators' view of diagnostics and projects, mounted at /dashboard/diagnostics by
 * src/server.ts behind the dashboard's gate (facilitators and admins):
 *   GET /             diagnostics per territory, the needs most often named (chart and table), projects by state
 *   GET /export.csv   the same counts as CSV (UTF-8 with BOM, `;`, ISO days)
 * Every number is an aggregate computed by the store (ProjectService.overview): the page costs
 * four queries whatever the number of diagnostics.
 */
import express, { type Router } from 'express';
import { csvField } from '../../dashboard/export.js';
import type { StaffGate } from '../../dashboard/access.js';
import { DASHBOARD_STYLESHEETS } from '../../dashboard/access.js';
import { stylesheet } from '../../web/styles.js';
import type { Web } from '../../web/web.js';
import type { ProjectOverview, ProjectService } from './service.js';

const CSS = stylesheet(`
.bars { list-style: none; padding: 0; margin: .5rem 0 1rem; display: grid; gap: .35rem; }
.bars li { display: grid; grid-template-columns: minmax(6rem, 14rem) minmax(4rem, 1fr) 3rem; gap: .5rem; align-items: center; overflow-wrap: anywhere; }
.bars svg { width: 100%; height: 1rem; display: block; }
.bars .n { text-align: right; font-weight: 600; }
figure { margin: .5rem 0; }
`);

/** Horizontal bars with their value in text (the colour #1f5f8b on #e6ecf1 is never the only cue). */
function Bars(props: { id: string; caption: string; rows: Array<{ label: string; count: number }> }) {
  const max = Math.max(1, ...props.rows.map((r) => r.count));
  return (
    <figure aria-labelledby={`${props.id}-legende`}>
      <figcaption id={`${props.id}-legende`}>{props.caption}</figcaption>
      <ul class="bars" id={props.id}>
        {props.rows.map((r) => (
          <li>
            <span>{r.label}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
              <rect x="0" y="0" width="100" height="10" fill="#e6ecf1" />
              <rect x="0" y="0" width={String(Math.max(1, (r.count / max) * 100))} height="10" fill="#1f5f8b" />
            </svg>
            <span class="n">{String(r.count)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function Overview(props: { overview: ProjectOverview; home: string; base: string }) {
  const o = props.overview;
  return (
    <>
      <p><a href={props.home}>Retour au tableau de bord</a> · <a href={`${props.base}/export.csv`}>Exporter ces chiffres (CSV)</a></p>
      <section class="card" aria-labelledby="titre-besoins">
        <h2 id="titre-besoins">{`Les besoins les plus souvent nommés (${o.diagnostics} diagnostic${o.diagnostics > 1 ? 's' : ''})`}</h2>
        {o.needs.length === 0 ? <p class="empty">Aucun besoin nommé pour l’instant.</p> : (
          <>
            <Bars id="graphique-besoins" caption="Nombre de diagnostics qui veulent remplacer chaque outil" rows={o.needs} />
            <table id="table-besoins">
              <caption>Besoins nommés (outil propriétaire à remplacer)</caption>
              <thead><tr><th scope="col">Besoin</th><th scope="col" class="num">Diagnostics</th></tr></thead>
              <tbody>{o.needs.map((n) => <tr><th scope="row">{n.label}</th><td class="num">{String(n.count)}</td></tr>)}</tbody>
            </table>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="titre-territoires">
        <h2 id="titre-territoires">Diagnostics par territoire</h2>
        {o.byTerritory.length === 0 ? <p class="empty">Aucun diagnostic pour l’instant.</p> : (
          <>
            <Bars id="graphique-territoires" caption="Nombre de diagnostics par département" rows={o.byTerritory.slice(0, 15)} />
            <div>
              <table id="table-territoires" class="stack">
                <caption>Diagnostics par territoire, du plus au moins nombreux</caption>
                <thead><tr><th scope="col">Territoire</th><th scope="col" class="num">Diagnostics</th><th scope="col">Premier</th><th scope="col">Dernier</th></tr></thead>
                <tbody>
                  {o.byTerritory.map((t) => (
                    <tr><th scope="row">{t.label}</th><td class="num" data-label="Diagnostics">{String(t.count)}</td><td data-label="Premier"><time datetime={t.first}>{t.first.slice(0, 10)}</time></td><td data-label="Dernier"><time datetime={t.last}>{t.last.slice(0, 10)}</time></td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="titre-projets">
        <h2 id="titre-projets">Projets d’accompagnement par état</h2>
        <table id="table-projets">
          <caption>Projets ouverts depuis un diagnostic</caption>
          <thead><tr><th scope="col">État</th><th scope="col" class="num">Projets</th></tr></thead>
          <tbody>{o.byState.map((s) => <tr data-state={s.state}><th scope="row">{s.label}</th><td class="num">{String(s.count)}</td></tr>)}</tbody>
        </table>
      </section>
    </>
  );
}

/** The counts as CSV rows: rubrique, clé, libellé, nombre, premier, dernier (ISO days). */
export function overviewCsv(o: ProjectOverview): string {
  const rows: Array<Array<string | number>> = [['Rubrique', 'Clé', 'Libellé', 'Nombre', 'Premier', 'Dernier']];
  for (const t of o.byTerritory) rows.push(['territoire', t.territory, t.label, t.count, t.first.slice(0, 10), t.last.slice(0, 10)]);
  for (const n of o.needs) rows.push(['besoin', n.need, n.label, n.count, '', '']);
  for (const s of o.byState) rows.push(['projet', s.state, s.label, s.count, '', '']);
  return `\uFEFF${rows.map((r) => r.map(csvField).join(';')).join('\r\n')}\r\n`;
}

export function createProjectsDashboard(projects: ProjectService, web: Web, gate: StaffGate): Router {
  const router = express.Router();
  router.use(web.ready);
  router.get('/', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const overview = await projects.overview();
      web.send(res, 200, {
        title: 'Diagnostics et projets', section: 'tableau-de-bord', context, stylesheets: [...DASHBOARD_STYLESHEETS, CSS],
        children: <Overview overview={overview} home={gate.home} base={req.baseUrl} />,
      });
    } catch (err) {
      next(err);
    }
  });
  router.get('/export.csv', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const overview = await projects.overview();
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="pollen-diagnostics-${new Date().toISOString().slice(0, 10)}.csv"` });
      res.send(overviewCsv(overview));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
