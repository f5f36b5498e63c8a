/** What the notes CLI says, in French, about notes other workers hold and runs that had nothing to do. */
import { parisDateTime, plural } from '../cli/format.js';
import type { NoteClaim } from './queue-claims.js';
import type { NoteState } from './queue.js';

/** « 25 s », « 5 min »: how long, for people. */
function seconds(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** One claimed note, as `notes status` shows it under the note's line. */
export function claimNotice(claim: NoteClaim, now = new Date()): string {
  if (claim.gone) {
    return `prise par ${claim.worker}, un processus de cette machine qui s’est arrêté : la prochaine publication la reprend aussitôt (npm run notes -- retry)`;
  }
  if (claim.silent) {
    const since = claim.heartbeatAt ? ` depuis ${seconds(now.getTime() - Date.parse(claim.heartbeatAt))}` : '';
    const left = Date.parse(claim.expiresAt) - now.getTime();
    return `prise par ${claim.worker}, qui ne répond plus${since} : ` + (left > 0
      ? `un autre processus la reprendra dans ${seconds(left)} (à partir du ${parisDateTime(claim.expiresAt)})`
      : 'le prochain passage d’un autre processus la reprend (npm run notes -- retry : aussitôt)');
  }
  return `en cours de publication par ${claim.worker}, qui répond`;
}

/**
 * Why a run (`notes retry`) processed no note: the notes other workers hold (and when the
 * silent ones' notes will be retried), else that nothing is left to publish.
 */
export function nothingProcessedReason(counts: Record<NoteState, number>, claims: readonly NoteClaim[], retryableFailed: number, now = new Date()): string[] {
  const lines = claimSummary(claims, now);
  if (claims.length === 0) {
    const waiting = counts.queued + counts.publishing + retryableFailed;
    lines.push(
      waiting === 0
        ? `Rien à publier : aucune note en attente ni en échec à réessayer (${plural(counts.published, 'publiée', 'publiées')}, ${plural(counts.conflict, 'conflit', 'conflits')}, ${plural(counts.failed, 'échec à corriger', 'échecs à corriger')} : voir « npm run notes -- status »).`
        : `En attente : ${waiting}, prises entre-temps par un autre processus ; « npm run notes -- status » dit où elles en sont.`,
    );
  }
  return lines;
}

/** The notes other workers hold, in a line or two: who publishes them, and when a silent worker's are retried. */
export function claimSummary(claims: readonly NoteClaim[], now = new Date()): string[] {
  const lines: string[] = [];
  const silent = claims.filter((c) => c.silent);
  const live = claims.filter((c) => !c.silent);
  if (live.length > 0) {
    const workers = [...new Set(live.map((c) => c.worker))].join(', ');
    lines.push(`${plural(live.length, 'note en cours', 'notes en cours')} de publication par un autre processus qui répond (${workers}).`);
  }
  if (silent.length > 0) {
    const gone = silent.filter((c) => c.gone).length;
    const later = silent.filter((c) => !c.gone);
    if (gone > 0) lines.push(`${plural(gone, 'note prise', 'notes prises')} par un processus de cette machine qui s’est arrêté : « npm run notes -- retry » ${gone > 1 ? 'les' : 'la'} reprend aussitôt.`);
    if (later.length > 0) {
      const next = later.map((c) => c.expiresAt).sort()[0]!;
      const left = Date.parse(next) - now.getTime();
      const workers = [...new Set(later.map((c) => c.worker))].join(', ');
      lines.push(
        `${plural(later.length, 'note prise', 'notes prises')} par un processus qui ne répond plus (${workers}) : ` +
        (left > 0 ? `reprise automatique dans ${seconds(left)} (à partir du ${parisDateTime(next)}), par « npm run notes -- retry » ou le prochain passage.` : 'reprise au prochain passage, ou aussitôt par « npm run notes -- retry ».'),
      );
    }
  }
  return lines;
}
