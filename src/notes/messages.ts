/** What the notes publisher tells people, in French: why a note failed, what to do, state names. */
import type { NoteState } from './queue.js';
import { WikiError, WikiLoginError, WikiPermissionError, WikiUnavailableError } from '../wiki/errors.js';

export function frenchReason(err: unknown): string {
  if (err instanceof WikiUnavailableError) {
    return `Le wiki est indisponible (${err.code}) malgré plusieurs essais : la note sera republiée automatiquement au prochain passage.`;
  }
  if (err instanceof WikiLoginError) return 'Connexion du robot au wiki refusée : vérifiez WIKI_BOT_USER et WIKI_BOT_PASSWORD. La note sera republiée au prochain passage.';
  if (err instanceof WikiPermissionError) return `Le wiki refuse la modification (${err.code}) : vérifiez les droits du compte robot. La note sera republiée au prochain passage.`;
  if (err instanceof WikiError) return `Le wiki a refusé la publication (${err.code} : ${err.info}). La note sera republiée au prochain passage.`;
  return `Erreur inattendue pendant la publication (${err instanceof Error ? err.message : String(err)}). La note sera republiée au prochain passage.`;
}

/** What to do about a refusal no retry will change, in French (see PERMANENT_PAGE_CODES). */
export function permanentReason(err: WikiError): string {
  const what: Record<string, string> = {
    contenttoobig: 'la note est trop longue pour une seule page du wiki : découpez-la en plusieurs notes (par exemple une par séance ou par partie), puis renvoyez-les',
    invalidtitle: 'le titre de la page n’est pas accepté : changez le titre de la note',
    'titleblacklist-forbidden': 'ce titre de page est interdit sur le wiki : changez le titre de la note',
    spamblacklist: 'un lien de la note est sur la liste anti-spam du wiki : retirez-le ou demandez aux administrateurs du wiki de l’autoriser',
    spamdetected: 'le filtre anti-spam du wiki refuse le texte : retirez le passage en cause ou demandez aux administrateurs du wiki',
    'abusefilter-disallowed': 'un filtre du wiki refuse cette modification : voyez avec les administrateurs du wiki',
    'abusefilter-warning': 'un filtre du wiki met en garde contre cette modification : voyez avec les administrateurs du wiki',
  };
  const advice = what[err.code] ?? 'la page est protégée : demandez à un administrateur du wiki de la publier ou de lever la protection';
  return `Le wiki refuse définitivement cette note (${err.code}) : ${advice}. Elle ne sera pas republiée automatiquement.`;
}

/** State names as the CLI and the dashboard show them. */
export function stateLabel(state: NoteState): string {
  return { queued: 'en attente', publishing: 'en cours', published: 'publiée', failed: 'échec', conflict: 'conflit' }[state];
}

/** « 0 publiée », « 1 échec », « 16 publiées », « 2 conflits » (French: plural from 2). */
export function stateCount(n: number, state: NoteState): string {
  const plural = { queued: 'en attente', publishing: 'en cours', published: 'publiées', failed: 'échecs', conflict: 'conflits' }[state];
  return `${n} ${n > 1 ? plural : stateLabel(state)}`;
}
