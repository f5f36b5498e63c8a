/**
 * Which note is which. ONE rule, used at intake by the queue for the CLI, the folder watch and
 * the gateway alike: two notes are the same note when they come from the same file (the same
 * key), or when their normalised text is the same (the same hash). A different note never
 * replaces another one: a note aimed at a page another note already holds is refused.
 */
export interface NoteIdentity {
  /** `file:<absolute path>` for files; `sha256:<hash>` for notes sent without a file. */
  key: string;
  /** sha256 of the normalised source. */
  sourceHash: string;
}

export function isSameNote(a: NoteIdentity, b: NoteIdentity): boolean {
  return a.key === b.key || a.sourceHash === b.sourceHash;
}

/** The key of a note with no file: its content. */
export function contentKey(sourceHash: string): string {
  return `sha256:${sourceHash}`;
}

/** The refusal of a different note aimed at a page another note holds, in French. */
export function pageTakenReason(pageTitle: string, owner: { id: number; fileName: string | null }): string {
  return `La page « ${pageTitle} » reçoit déjà une autre note (${owner.fileName ?? `note n° ${owner.id}`}) : cette note ne la remplace pas. Donnez-lui un titre à elle : une ligne « title: Mon titre » entre deux lignes « --- » tout en haut de la note (ou une première ligne courte suivie d’une ligne vide), ou une autre date (« date: AAAA-MM-JJ ») ; pour corriger la note déjà reçue, modifiez-la elle-même (son fichier, ou submitNote avec replaces: ${owner.id}).`;
}
