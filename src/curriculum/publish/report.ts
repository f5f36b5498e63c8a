/** The publishing report as text for a terminal: one line per page, then totals and the dry-run diffs. */
import type { PageStatus, PublishReport } from './publish.js';

/** French label (English status) of each outcome. */
export const statusLabels: Record<PageStatus, string> = {
  created: 'créée (created)',
  updated: 'mise à jour (updated)',
  unchanged: 'inchangée (unchanged)',
  conflict: 'conflit (conflict)',
  'skipped-nobots': 'refus des robots (skipped-nobots)',
  stopped: 'arrêtée (stopped)',
  error: 'erreur (error)',
};

const DRY_RUN_LABELS: Partial<Record<PageStatus, string>> = {
  created: 'à créer (would create)',
  updated: 'à mettre à jour (would update)',
};

function label(status: PageStatus, dryRun: boolean): string {
  return (dryRun ? DRY_RUN_LABELS[status] : undefined) ?? statusLabels[status];
}

/** The summary table: status and title of each page, with the reason of conflicts and failures. */
export function formatPublishTable(report: PublishReport): string {
  const rows = report.pages.map((p) => {
    const status = label(p.status, report.dryRun);
    const draft = p.draft ? ` → ${p.draft.title} : ${label(p.draft.status, report.dryRun)}` : '';
    const why = p.reason && p.status !== 'unchanged' ? `\n${' '.repeat(36)}${p.reason}` : '';
    return `${status.padEnd(34)}  ${p.title}${draft}${why}`;
  });
  const counts = (Object.entries(report.counts) as Array<[PageStatus, number]>)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${label(status, report.dryRun)}`)
    .join(', ');
  const header = `${'Statut / status'.padEnd(34)}  Page`;
  const mode = report.dryRun ? 'Simulation (dry run) : aucune modification faite. ' : '';
  const totals =
    `${mode}${report.pages.length} pages : ${counts || 'aucune'}. ` +
    `Modifications (edits) : ${report.edits}. Appels API (API calls) : ${report.apiCalls}.`;
  return [header, '-'.repeat(header.length + 40), ...rows, '', totals].join('\n');
}

/** Dry run: per page, the unified diff against the current page, or « nouvelle page » and the whole text. */
export function formatDryRunDiffs(report: PublishReport): string {
  const blocks: string[] = [];
  for (const p of report.pages) {
    if (p.newPage) blocks.push(`=== ${p.title} : nouvelle page (new page) ===\n${p.diff ?? ''}`);
    else if (p.diff) blocks.push(`=== ${p.title} : ${label(p.status, true)} ===\n${p.diff}`);
  }
  return blocks.join('\n\n');
}

/** Exit code of the CLI: 1 when the run was stopped or a page failed; conflicts are not failures. */
export function exitCodeOf(report: PublishReport): number {
  return report.stopped || report.counts.error > 0 || report.counts.stopped > 0 ? 1 : 0;
}
