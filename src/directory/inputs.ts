/** What enters the directory from outside (GraphQL, forms), validated once here with French messages. */
import { z } from 'zod';
import { CRITERIA, DirectoryError, PROVIDER_KINDS, SERVICES, type CriterionId } from './model.js';
import { territory } from './territories.js';

const text = (max: number, what: string) =>
  z.string({ error: `${what} : texte attendu` }).trim().min(1, `${what} : ce champ est obligatoire`).max(max, `${what} : ${max} caractères au plus`);
const optionalText = (max: number, what: string) =>
  z.string().trim().max(max, `${what} : ${max} caractères au plus`).nullish().transform((v) => (v ? v : null));

const httpUrl = z
  .string()
  .trim()
  .max(300, 'site web : 300 caractères au plus')
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'site web : une adresse http(s) complète est attendue, par exemple https://exemple.org');

const email = z.email({ error: 'adresse électronique invalide' }).max(200);

const kind = z.enum(Object.keys(PROVIDER_KINDS) as [keyof typeof PROVIDER_KINDS], { error: 'type de structure inconnu' });
const service = z.enum(Object.keys(SERVICES) as [keyof typeof SERVICES], { error: 'service inconnu' });
const territoryId = z.string().trim().refine((id) => territory(id) !== undefined, {
  error: (issue) => `territoire inconnu : « ${String(issue.input).slice(0, 40)} » (un code de département comme 69, une région comme bretagne, ou a-distance)`,
});

const address = z.object({
  street: optionalText(200, 'adresse'),
  postalCode: z.string().trim().regex(/^\d{5}$/, 'code postal : cinq chiffres').nullish().transform((v) => v ?? null),
  city: text(100, 'ville'),
  lat: z.number().min(-90, 'latitude entre -90 et 90').max(90, 'latitude entre -90 et 90').nullish().transform((v) => v ?? null),
  lon: z.number().min(-180, 'longitude entre -180 et 180').max(180, 'longitude entre -180 et 180').nullish().transform((v) => v ?? null),
}).refine((a) => (a.lat === null) === (a.lon === null), 'coordonnées : donnez la latitude et la longitude ensemble');

const providerFields = {
  name: text(120, 'nom de la structure'),
  kind,
  description: text(2000, 'description'),
  services: z.array(service).min(1, 'choisissez au moins un service').max(7).transform((s) => [...new Set(s)]),
  territories: z.array(territoryId).min(1, 'indiquez au moins un territoire desservi').max(30, 'territoires : 30 au plus').transform((t) => [...new Set(t)]),
  address: address.nullish().transform((v) => v ?? null),
  website: httpUrl.nullish().transform((v) => v ?? null),
  publicContact: z.union([email, httpUrl], { error: 'contact public : une adresse électronique ou une adresse web' }).nullish().transform((v) => v ?? null),
  publicContactConsent: z.boolean().default(false),
};

export const declarationSchema = z
  .object(providerFields)
  .refine((d) => d.publicContact === null || d.publicContactConsent, 'contact public : il ne sera publié qu’avec votre accord (publicContactConsent)');
export type DeclarationInput = z.infer<typeof declarationSchema>;

export const providerUpdateSchema = z
  .object(providerFields)
  .partial()
  .refine((d) => d.publicContact == null || d.publicContactConsent === true, 'contact public : il ne sera publié qu’avec votre accord (publicContactConsent)');
export type ProviderUpdateInput = z.infer<typeof providerUpdateSchema>;

const month = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'période : mois au format AAAA-MM');
const answer = z.object({
  answer: z.enum(['yes', 'partial', 'no'], { error: 'réponse : oui, en partie ou non' }),
  comment: optionalText(500, 'commentaire'),
});

export const recommendationSchema = z
  .object({
    providerSlug: z.string().trim().min(1).max(100),
    associationName: text(150, 'nom de l’association'),
    rna: z.string().trim().toUpperCase().regex(/^W\d{9}$/, 'numéro RNA : W suivi de 9 chiffres').nullish().transform((v) => v ?? null),
    verificationContact: email,
    periodStart: month,
    periodEnd: month.nullish().transform((v) => v ?? null),
    work: text(2000, 'travail réalisé'),
    tools: z.array(text(80, 'outil')).max(20, 'outils : 20 au plus').default([]),
    questionnaire: z.object(Object.fromEntries(Object.keys(CRITERIA).map((k) => [k, answer])) as Record<CriterionId, typeof answer>),
    quote: optionalText(500, 'citation'),
    quoteConsent: z.boolean().default(false),
  })
  .refine((r) => r.periodEnd === null || r.periodEnd >= r.periodStart, 'période : la fin précède le début');
export type RecommendationInput = z.infer<typeof recommendationSchema>;

export const reasonSchema = text(500, 'motif');

export const providerFilterSchema = z.object({
  service: service.nullish(),
  territory: territoryId.nullish(),
  kind: kind.nullish(),
  text: z.string().trim().max(100, 'recherche : 100 caractères au plus').nullish().transform((v) => (v ? v : null)),
  near: z
    .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), radiusKm: z.number().positive().max(2000, 'rayon : 2000 km au plus') })
    .nullish(),
});
export type ProviderFilter = z.input<typeof providerFilterSchema>;

/** Parses or throws a DirectoryError BAD_USER_INPUT naming every problem, in French. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => i.message);
  throw new DirectoryError('BAD_USER_INPUT', `Saisie refusée : ${[...new Set(problems)].join(' ; ')}.`, { problems });
}
