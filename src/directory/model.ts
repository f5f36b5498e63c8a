/** The directory of recommended providers: vocabularies and the shapes the service hands out. */

/** Kinds of structure, with their French labels. */
export const PROVIDER_KINDS = {
  chatons: 'Hébergeur CHATONS',
  entreprise: 'Entreprise du logiciel libre',
  association: 'Association',
  autre: 'Autre structure',
} as const;
export type ProviderKind = keyof typeof PROVIDER_KINDS;

/** The controlled vocabulary of services (ids are stable; labels are what people read). */
export const SERVICES = {
  hebergement: 'Hébergement de services',
  accompagnement: 'Accompagnement au changement',
  diagnostic: 'Diagnostic des outils et usages',
  formation: 'Formation des bénévoles et salariés',
  financement: 'Aide à la recherche de financements',
  support: 'Support et documentation',
  developpement: 'Développement',
} as const;
export type ServiceId = keyof typeof SERVICES;

/** The questionnaire of verifiable criteria an association answers. */
export const CRITERIA = {
  delivered: 'Prestation réalisée comme convenu',
  usersTrained: 'Utilisateur·rices formé·es',
  documentationLeft: 'Documentation laissée',
  supportAfter: 'Suivi après le projet',
  wouldRecommend: 'Recommanderait la structure',
} as const;
export type CriterionId = keyof typeof CRITERIA;
/**
 * Two more criteria the public recommendation form asks (kept apart from CRITERIA, which every
 * GraphQL recommendation must answer): was the need looked at before tools were chosen, and does
 * the association manage on its own now.
 */
export const FOLLOW_UP_CRITERIA = {
  needAssessed: 'Besoins étudiés avant de choisir les outils',
  autonomous: 'Association autonome aujourd’hui',
} as const;
export type FollowUpId = keyof typeof FOLLOW_UP_CRITERIA;
export type CriterionAnswer = 'yes' | 'partial' | 'no';
export const ANSWER_LABELS: Record<CriterionAnswer, string> = { yes: 'oui', partial: 'en partie', no: 'non' };

export interface CriterionResponse {
  answer: CriterionAnswer;
  comment: string | null;
}
export type Questionnaire = Record<CriterionId, CriterionResponse>;

/**
 * Declaration: pending until a facilitator approves it; withdrawn by the provider. `unconfirmed`:
 * declared on the public form, waiting for the link mailed to its address (no facilitator sees it).
 */
export type ProviderStatus = 'unconfirmed' | 'pending' | 'approved' | 'rejected' | 'withdrawn';
/**
 * `replaced`: the same association recommended the provider again, and the later one was verified.
 * `unconfirmed`: sent on the public form, waiting for the link mailed to the recommender.
 */
export type RecommendationStatus = 'unconfirmed' | 'pending' | 'verified' | 'rejected' | 'replaced';

export interface Address {
  street: string | null;
  postalCode: string | null;
  city: string;
  lat: number | null;
  lon: number | null;
}

/** Which parts (groups) of the training path the provider's linked learner completed. */
export interface TrainingBadge {
  /** Group ids fully done, in curriculum order (`communs`, `accompagnement`, `communication`). */
  parts: string[];
  percent: number;
  /** Every module done. */
  complete: boolean;
}

export interface Provider {
  id: number;
  slug: string;
  name: string;
  /** Its wiki page, `Annuaire/<Nom>`, distinct from every other provider's (see wiki-title.ts). */
  wikiTitle: string;
  /** Titles it had before a change of name: those pages point to the new one. */
  formerWikiTitles: string[];
  kind: ProviderKind;
  description: string;
  services: ServiceId[];
  territories: string[];
  address: Address | null;
  website: string | null;
  /** Shown publicly only because the provider consented to it. */
  publicContact: string | null;
  learnerId: string | null;
  status: ProviderStatus;
  listed: boolean;
  verifiedCount: number;
  training: TrainingBadge | null;
  createdAt: string;
  updatedAt: string;
}

export interface Recommendation {
  id: number;
  providerId: number;
  associationName: string;
  rna: string | null;
  /** For verification by facilitators only: never public. */
  verificationContact: string;
  periodStart: string;
  periodEnd: string | null;
  work: string;
  tools: string[];
  questionnaire: Questionnaire;
  quote: string | null;
  quoteConsent: boolean;
  /** The tools the project replaced (the public form asks « which tools replaced which »). */
  replacedTools: string[];
  /** Answers to FOLLOW_UP_CRITERIA (public form only; empty for older and GraphQL ones). */
  followUp: Partial<Record<FollowUpId, CriterionResponse>>;
  /** The recommender agreed to be contacted by facilitators to verify (public form). */
  contactConsent: boolean;
  /** When the recommender confirmed through the mailed link (public form), else null. */
  confirmedAt: string | null;
  /** The accompaniment project it was made after (« après un projet accompagné »), else null. */
  projectId: number | null;
  status: RecommendationStatus;
  createdAt: string;
}

/** One moderation decision, kept for history. */
export interface ModerationEvent {
  subject: 'provider' | 'recommendation';
  subjectId: number;
  action: 'declared' | 'updated' | 'approved' | 'rejected' | 'withdrawn' | 'recommended' | 'verified' | 'replaced';
  reason: string | null;
  actor: string;
  at: string;
}

/**
 * Two recommendations of one provider come from the same association: same RNA number, or same
 * name (no case, no accents). The verification contact is not a test: a federation or a shared
 * volunteer may answer for several associations.
 */
export function sameAssociation(a: Pick<Recommendation, 'rna' | 'associationName'>, b: Pick<Recommendation, 'rna' | 'associationName'>): boolean {
  return (a.rna !== null && b.rna !== null && a.rna.toUpperCase() === b.rna.toUpperCase()) || foldText(a.associationName) === foldText(b.associationName);
}

/** A coded refusal: GraphQL and the pages show `message` (French) and `code`. */
export class DirectoryError extends Error {
  constructor(
    readonly code:
      | 'DUPLICATE_PROVIDER'
      | 'SELF_RECOMMENDATION'
      | 'RATE_LIMITED'
      | 'NOT_FOUND'
      | 'FORBIDDEN'
      | 'INVALID_STATE'
      | 'BAD_USER_INPUT',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

/** Paths under /annuaire/ that are pages, never a provider's slug. */
export const RESERVED_SLUGS: readonly string[] = ['declarer', 'gerer', 'confirmer'];

/** Lowercase, no accents, only letters and digits separated by single dashes. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'structure';
}

/** The form searches and duplicate checks compare: no case, no accents, single spaces. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A website as compared for duplicates: host without `www.`, path without trailing slash. */
export function websiteKey(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.hostname.replace(/^www\./, '').toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/** The domain of an e-mail address or website, lowercased, without `www.`. */
export function domainOf(contact: string | null): string | null {
  if (!contact) return null;
  const at = contact.lastIndexOf('@');
  if (at >= 0 && !contact.includes('://')) return contact.slice(at + 1).trim().toLowerCase() || null;
  try {
    return new URL(contact).hostname.replace(/^www\./, '').toLowerCase();
  } catch {
    return null;
  }
}
