/** Accompaniment projects: their states, milestones and sides, in French for the pages and mails. */
import { le } from '../../text/french.js';
import { lazily } from '../../text/lazily.js';

export const PROJECT_STATES = {
  contact: 'Prise de contact',
  ouvert: 'Ouvert',
  en_cours: 'En cours',
  termine: 'Terminé',
  abandonne: 'Abandonné',
} as const;
export type ProjectState = keyof typeof PROJECT_STATES;

export const MILESTONES = {
  diagnostic: 'Diagnostic fait',
  outils: 'Outils installés',
  formation: 'Personnes formées',
  autonomie: 'Autonomie',
} as const;
export type MilestoneId = keyof typeof MILESTONES;

export type Side = 'association' | 'structure';
export const SIDES: Record<Side, string> = { association: 'l’association', structure: 'la structure' };

export type ProjectEventKind = 'contact' | 'opened' | 'milestone' | 'done' | 'abandoned';

export interface ProjectEvent {
  id: number;
  kind: ProjectEventKind;
  milestone: MilestoneId | null;
  /** The day the milestone was reached (YYYY-MM-DD), as either side wrote it. */
  onDate: string | null;
  note: string | null;
  side: Side;
  at: string;
}

export interface Project {
  id: number;
  providerId: number;
  providerSlug: string;
  providerName: string;
  associationName: string;
  /** The association's address: shown to the structure only when `shareEmail`. */
  associationEmail: string;
  shareEmail: boolean;
  territory: string;
  /** The needs (alternatives.yaml ids) the diagnostic named. */
  needs: string[];
  /** The diagnostic's summary as it was when the association wrote (kept if the diagnostic is deleted). */
  summary: string;
  message: string;
  state: ProjectState;
  createdAt: string;
  openedAt: string | null;
  doneAt: string | null;
  events: ProjectEvent[];
}

/** Each milestone's latest record (or none yet). */
export function milestoneStatus(project: Pick<Project, 'events'>): Record<MilestoneId, ProjectEvent | undefined> {
  const out = {} as Record<MilestoneId, ProjectEvent | undefined>;
  for (const id of Object.keys(MILESTONES) as MilestoneId[]) out[id] = undefined;
  for (const e of project.events) if (e.kind === 'milestone' && e.milestone) out[e.milestone] = e;
  return out;
}

/** One line of the history in French: « Outils installés (le 2026-03-02) ». */
export function eventLabel(e: ProjectEvent): string {
  switch (e.kind) {
    case 'contact': return 'Prise de contact par l’association';
    case 'opened': return `Projet ouvert par ${SIDES[e.side]}`;
    case 'milestone': return `${e.milestone ? MILESTONES[e.milestone] : 'Étape'}${e.onDate ? ` (${le(frenchDay(e.onDate))})` : ''}`;
    case 'done': return 'Projet marqué terminé par l’association';
    case 'abandoned': return `Projet abandonné par ${SIDES[e.side]}`;
  }
}

const DAY = lazily(() => new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));

/** « 2 mars 2026 » from `2026-03-02`. */
export function frenchDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : DAY().format(date);
}

export class ProjectError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'INVALID_STATE' | 'FORBIDDEN' | 'NOT_CONTACTABLE' | 'BAD_USER_INPUT', message: string) {
    super(message);
  }
}
