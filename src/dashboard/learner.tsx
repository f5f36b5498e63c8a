/**
 * A learner's page: each module with its state, completion date and how it was completed,
 * progress over time from the dated snapshots (a chart and its table), their wiki
 * contributions with links, and the published notes that name them.
 */
import type { CurriculumModule } from '../curriculum/schema.js';
import type { QueueEntry } from '../notes/queue.js';
import type { LearnerProgress } from '../progress/model.js';
import { wikiPageUrl } from '../wiki/urls.js';
import { STATE_LABELS } from './charts.js';
import { Time } from './time.js';
import { DASHBOARD_TIME_ZONE, frenchDate, frenchDays, frenchPercent, frenchShortDateTime } from '../web/format.js';
import { de } from '../text/french.js';
import { lazily } from '../text/lazily.js';

export interface LearnerPageData {
  id: string;
  name: string;
  username: string;
  /** The learner's wiki account (wikiUserOf). */
  wikiUser: string;
  daysSinceActivity: number;
  progress: LearnerProgress;
  /** Snapshots, newest first. */
  history: LearnerProgress[];
  /** Published notes naming the learner, newest first; absent when no notes queue is connected. */
  notes?: readonly QueueEntry[];
  /** Quiz attempts in Pollen's learner space (embedded mode), oldest first; absent without it. */
  quizAttempts?: ReadonlyArray<{ slug: string; score: number; total: number; passed: boolean; createdAt: string }>;
}

const VIA_LABELS = { moodle: 'Moodle', wiki: 'contribution au wiki', self: 'déclaré par la personne' } as const;

const parisDay = lazily(() => new Intl.DateTimeFormat('fr-CA', { timeZone: DASHBOARD_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }));

/**
 * The label of each snapshot: its date; its date and time when another snapshot shares the day
 * (a sync run twice a day showed the same label twice); with the seconds when the minute too.
 */
export function snapshotLabels(history: readonly Pick<LearnerProgress, 'snapshotAt'>[]): string[] {
  const repeated = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    return (k: string) => (counts.get(k) ?? 0) > 1;
  };
  const days = history.map((h) => parisDay().format(new Date(h.snapshotAt)));
  const minutes = history.map((h) => frenchShortDateTime(h.snapshotAt));
  const sharedDay = repeated(days);
  const sharedMinute = repeated(minutes);
  return history.map((h, i) => {
    if (!sharedDay(days[i]!)) return frenchDate(h.snapshotAt);
    if (!sharedMinute(minutes[i]!)) return minutes[i]!;
    return `${minutes[i]}:${String(new Date(h.snapshotAt).getUTCSeconds()).padStart(2, '0')}`;
  });
}

/**
 * Progress over time: one bar per snapshot, oldest on top, drawn at its own size (340 px wide,
 * 24 px a row, 13 px text) so that it neither grows with the screen nor shrinks on a phone.
 */
export function HistoryChart(props: { history: readonly LearnerProgress[] }) {
  const rows = [...props.history].reverse();
  const labels = snapshotLabels(rows);
  const rowHeight = 24;
  const labelWidth = 150;
  const barWidth = 130;
  const width = labelWidth + barWidth + 60;
  const height = rows.length * rowHeight + 4;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg" class="history" id="graphique-historique" role="img" aria-labelledby="titre-historique-svg"
      viewBox={`0 0 ${width} ${height}`} width={width} height={height} font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
    >
      <title id="titre-historique-svg">Progression au fil des relevés, le plus ancien en haut</title>
      {rows.map((h, i) => {
        const y = i * rowHeight + 2;
        const length = Math.max(0.5, (h.percent / 100) * barWidth);
        return (
          <g>
            <title>{`${labels[i]} : ${frenchPercent(h.percent)}`}</title>
            <text x="0" y={y + 16} font-size="13" fill="#1a1a1a">{labels[i]}</text>
            <rect x={labelWidth} y={y + 4} width={barWidth} height="15" rx="2" fill="#e6ecf1" />
            <rect x={labelWidth} y={y + 4} width={length} height="15" rx="2" fill="#1f5f8b" />
            <text x={labelWidth + barWidth + 6} y={y + 16} font-size="13" font-weight="600" fill="#1a1a1a">{frenchPercent(h.percent)}</text>
          </g>
        );
      })}
    </svg>
  );
}

export function LearnerContent(props: { data: LearnerPageData; curriculum: readonly CurriculumModule[]; wikiApiUrl: string | undefined; back: string }) {
  const { data, curriculum, wikiApiUrl } = props;
  const bySlug = new Map(data.progress.modules.map((m) => [m.slug, m]));
  const WikiLink = (p: { title: string }) => (wikiApiUrl ? <a href={wikiPageUrl(wikiApiUrl, p.title)}>{p.title}</a> : <>{p.title}</>);
  const contributions = data.progress.modules.filter((m) => m.via === 'wiki' && m.state === 'done');
  const labels = snapshotLabels(data.history);
  const NoteLink = (p: { note: QueueEntry }) => {
    const n = p.note;
    if (n.pageUrl) return <a href={n.pageUrl}>{n.pageTitle ?? n.key}</a>;
    return n.pageTitle ? <WikiLink title={n.pageTitle} /> : <>{n.key}</>;
  };
  return (
    <>
      <p><a href={props.back}>← Retour au tableau de bord</a></p>
      <h2 id="titre-apprenant">{data.name}</h2>
      <dl class="summary" aria-label="Chiffres clés">
        <div><dt>Identifiant</dt><dd>{data.username}</dd></div>
        <div><dt>Progression</dt><dd id="chiffre-progression">{frenchPercent(data.progress.percent)}</dd></div>
        <div><dt>Modules terminés</dt><dd>{`${data.progress.doneCount} sur ${data.progress.moduleCount}`}</dd></div>
        <div><dt>Sans progression depuis</dt><dd>{`${frenchDays(data.daysSinceActivity)}${data.progress.stalled ? ' (bloqué·e)' : ''}`}</dd></div>
      </dl>
      <section class="card" aria-labelledby="titre-modules">
        <h2 id="titre-modules">Modules</h2>
        <div class="scroll">
          <table class="stack" id="table-modules">
            <caption>Chaque module du parcours, dans l’ordre</caption>
            <thead><tr><th scope="col" class="num">N°</th><th scope="col">Page du module</th><th scope="col">État</th><th scope="col">Terminé le</th><th scope="col">Par</th></tr></thead>
            <tbody>
              {curriculum.map((m) => {
                const p = bySlug.get(m.slug);
                const state = p?.state ?? 'not_started';
                return (
                  <tr data-slug={m.slug} data-state={state}>
                    <td class="num" data-label="N°">{m.order}</td><th scope="row"><WikiLink title={m.wikiPage} /></th>
                    <td data-label="État">{STATE_LABELS[state]}</td>
                    <td data-label="Terminé le">{state === 'done' && p?.completedAt ? <Time value={p.completedAt} /> : <span class="empty">—</span>}</td>
                    <td data-label="Par">{p?.via ? VIA_LABELS[p.via] : <span class="empty">—</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="titre-historique">
        <h2 id="titre-historique">Progression au fil du temps</h2>
        {data.history.length ? (
          <>
            <HistoryChart history={data.history} />
            <table class="stack" id="table-historique">
              <caption>Progression à chaque relevé, le plus récent d’abord</caption>
              <thead><tr><th scope="col">Relevé</th><th scope="col" class="num">Progression</th><th scope="col" class="num">Modules terminés</th></tr></thead>
              <tbody>
                {data.history.map((h, i) => (
                  <tr>
                    <th scope="row"><Time value={h.snapshotAt} format={() => labels[i]!} /></th>
                    <td class="num" data-label="Progression">{frenchPercent(h.percent)}</td>
                    <td class="num" data-label="Modules terminés">{`${h.doneCount} sur ${h.moduleCount}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : <p class="empty">Aucun relevé pour cette personne.</p>}
      </section>
      {data.quizAttempts ? (
        <section class="card" aria-labelledby="titre-quiz">
          <h2 id="titre-quiz">Quiz</h2>
          {data.quizAttempts.length ? (
            <table class="stack" id="table-quiz">
              <caption>Chaque tentative, la plus récente d’abord</caption>
              <thead><tr><th scope="col">Module</th><th scope="col">Tentative du</th><th scope="col" class="num">Score</th><th scope="col">Résultat</th></tr></thead>
              <tbody>
                {[...data.quizAttempts].reverse().map((a) => (
                  <tr data-slug={a.slug} data-passed={a.passed ? 'oui' : 'non'}>
                    <th scope="row">{curriculum.find((m) => m.slug === a.slug)?.title ?? a.slug}</th>
                    <td data-label="Tentative du"><Time value={a.createdAt} /></td>
                    <td class="num" data-label="Score">{`${a.score} sur ${a.total}`}</td>
                    <td data-label="Résultat">{a.passed ? 'Réussi' : 'Échoué'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="empty">Aucune tentative de quiz pour l’instant.</p>}
        </section>
      ) : null}
      <section class="card" aria-labelledby="titre-contributions">
        <h2 id="titre-contributions">Contributions au wiki</h2>
        {contributions.length ? (
          <ul id="contributions">
            {contributions.map((c) => {
              const module = curriculum.find((m) => m.slug === c.slug);
              return <li>{module ? <WikiLink title={module.wikiPage} /> : c.slug}{` (vue le ${frenchDate(c.completedAt)})`}</li>;
            })}
          </ul>
        ) : <p class="empty">Aucune contribution au wiki comptée pour un module. Elles sont relevées par « npm run progress:sync ».</p>}
        {wikiApiUrl ? <p><a href={wikiPageUrl(wikiApiUrl, `Spécial:Contributions/${data.wikiUser}`)}>{`Toutes les modifications ${de(data.wikiUser)} sur le wiki`}</a></p> : null}
      </section>
      <section class="card" aria-labelledby="titre-comptes-rendus">
        <h2 id="titre-comptes-rendus">Comptes rendus qui la ou le mentionnent</h2>
        {!data.notes ? <p class="empty">Le suivi des comptes rendus n’est pas relié à ce tableau de bord.</p>
          : data.notes.length ? (
            <ul id="comptes-rendus">
              {data.notes.map((n) => <li><NoteLink note={n} />{' (publié le '}<Time value={n.publishedAt ?? n.updatedAt} format={frenchDate} />)</li>)}
            </ul>
          ) : <p class="empty">{`Aucun compte rendu publié ne mentionne ${data.name}.`}</p>}
      </section>
    </>
  );
}
