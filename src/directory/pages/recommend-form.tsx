/**
 * The recommendation form of /annuaire/<slug>/recommander: who recommends, the project done
 * together (what, when, which tools replaced which), the verifiable criteria, consent to be
 * contacted. `readRecommendation` turns the posted fields into the service's input, or the
 * refusal of each field in French.
 */
import { createHash } from 'node:crypto';
import { ChoiceGroup, Checkbox, PostForm, SelectField, TextArea, TextField, type FormState } from '../../web/forms.js';
import { recommendationSchema } from '../inputs.js';
import { CRITERIA, FOLLOW_UP_CRITERIA, foldText, type CriterionId, type CriterionResponse, type FollowUpId, type Provider } from '../model.js';
import type { RecommendationExtra } from '../service.js';
import { ANSWER_CHOICES, MONTHS, splitList } from './common.js';

export const RECOMMEND_FORM = 'annuaire-recommandation';

/** The questions in the order people answer them: first the need, last whether they would recommend. */
const QUESTIONS: ReadonlyArray<{ id: CriterionId | FollowUpId; label: string }> = [
  { id: 'needAssessed', label: 'Vos besoins ont-ils été étudiés avant de choisir les outils ?' },
  { id: 'delivered', label: 'Ce qui était prévu a-t-il été réalisé ?' },
  { id: 'usersTrained', label: 'Les personnes qui utilisent les outils ont-elles été formées ?' },
  { id: 'autonomous', label: 'Votre association se débrouille-t-elle seule aujourd’hui ?' },
  { id: 'documentationLeft', label: 'Une documentation vous a-t-elle été laissée ?' },
  { id: 'supportAfter', label: 'La structure a-t-elle assuré un suivi après le projet ?' },
  { id: 'wouldRecommend', label: 'La recommanderiez-vous à une autre association ?' },
];

export const RECOMMEND_ORDER = ['association', 'rna', 'email', 'travail', 'mois', 'annee', 'remplaces', 'adoptes', ...QUESTIONS.map((q) => `q-${q.id}`), 'citation', 'publier', 'contact'];

function years(now: Date): Array<{ value: string; label: string }> {
  const current = now.getUTCFullYear();
  return Array.from({ length: 11 }, (_, i) => String(current - i)).map((y) => ({ value: y, label: y }));
}

export function RecommendForm(props: { provider: Provider; state: FormState; token: string; now: Date; project?: string | undefined }) {
  const { state } = props;
  const f = { state, order: RECOMMEND_ORDER };
  return (
    <PostForm action={`/annuaire/${props.provider.slug}/recommander`} token={props.token} honeypot label={`Recommander ${props.provider.name}`}>
      {props.project ? <input type="hidden" name="projet" value={props.project} /> : null}
      <h2>Votre association</h2>
      <TextField {...f} name="association" label="Nom de l’association" required maxLength={150} autocomplete="organization" />
      <TextField {...f} name="rna" label="Numéro RNA" hint="W suivi de 9 chiffres, s’il vous est connu : il aide l’équipe d’animation à retrouver l’association." maxLength={10} />
      <TextField {...f} name="email" type="email" label="Adresse e-mail de contact" required maxLength={200} autocomplete="email" hint="Un lien vous y sera envoyé pour confirmer. Elle n’est jamais publiée : seule l’équipe d’animation la voit, pour vérifier le projet avec vous." />
      <h2>Le projet mené ensemble</h2>
      <TextArea {...f} name="travail" label="Ce que la structure a fait avec vous" required maxLength={2000} hint="Par exemple : étude des besoins, installation d’un espace partagé, formation de huit bénévoles." />
      <div class="pair">
        <SelectField {...f} name="mois" label="Mois de fin du projet" required placeholder="Choisir le mois" choices={MONTHS.map((m, i) => ({ value: String(i + 1).padStart(2, '0'), label: m }))} />
        <SelectField {...f} name="annee" label="Année" required placeholder="Choisir l’année" choices={years(props.now)} />
      </div>
      <TextField {...f} name="remplaces" label="Outils que vous avez quittés" maxLength={300} hint="Séparés par des virgules, par exemple : Google Drive, WhatsApp." />
      <TextField {...f} name="adoptes" label="Outils libres qui les ont remplacés" required maxLength={300} hint="Séparés par des virgules, par exemple : Nextcloud, Element." />
      <h2>Questionnaire</h2>
      <p class="hint">Des questions précises, que l’équipe d’animation pourra vérifier avec vous.</p>
      {QUESTIONS.map((q) => (
        <div class="choices-inline">
          <ChoiceGroup {...f} name={`q-${q.id}`} label={q.label} required choices={ANSWER_CHOICES} />
        </div>
      ))}
      <TextArea {...f} name="citation" label="Une phrase sur votre expérience" maxLength={500} rows={3} />
      <Checkbox {...f} name="publier" label="J’accepte que cette phrase soit publiée avec la recommandation." />
      <Checkbox {...f} name="contact" required label="J’accepte d’être contacté·e par l’équipe d’animation pour vérifier cette recommandation (obligatoire)." />
      <button type="submit" class="primary">Envoyer la recommandation</button>
    </PostForm>
  );
}

const FIELD_OF_PATH: Record<string, string> = {
  associationName: 'association', rna: 'rna', verificationContact: 'email', work: 'travail', periodStart: 'mois', tools: 'adoptes', quote: 'citation',
};

export interface ReadRecommendation {
  input?: Record<string, unknown>;
  extra?: RecommendationExtra;
  /** One identical send, one row: the provider, the association, the address, the month. */
  key?: string;
  errors: Record<string, string>;
}

/** The posted fields as the service's input, or each field's refusal. */
export function readRecommendation(provider: Provider, fields: Record<string, string>, now: Date): ReadRecommendation {
  const errors: Record<string, string> = {};
  const answers: Record<string, CriterionResponse> = {};
  for (const q of QUESTIONS) {
    const value = fields[`q-${q.id}`];
    if (value === 'yes' || value === 'partial' || value === 'no') answers[q.id] = { answer: value, comment: null };
    else errors[`q-${q.id}`] = 'répondez par oui, en partie ou non';
  }
  const month = fields.mois ?? '';
  const year = fields.annee ?? '';
  if (!/^(0[1-9]|1[0-2])$/.test(month)) errors.mois = 'choisissez le mois';
  if (!/^\d{4}$/.test(year)) errors.annee = 'choisissez l’année';
  const period = `${year}-${month}`;
  if (!errors.mois && !errors.annee && period > now.toISOString().slice(0, 7)) errors.mois = 'le projet doit être terminé : ce mois n’est pas encore passé';
  const adopted = splitList(fields.adoptes);
  const replaced = splitList(fields.remplaces);
  if (adopted.length === 0) errors.adoptes = 'indiquez au moins un outil';
  if (replaced.length > 20) errors.remplaces = '20 outils au plus';
  if (replaced.some((t) => t.length > 80)) errors.remplaces = 'un outil : 80 caractères au plus';
  if (fields.contact !== 'oui') errors.contact = 'cochez cette case : sans contact, l’équipe d’animation ne peut pas vérifier la recommandation';
  const quote = (fields.citation ?? '').trim();
  if (fields.publier === 'oui' && !quote) errors.citation = 'écrivez la phrase à publier, ou décochez la case';
  const questionnaire = Object.fromEntries((Object.keys(CRITERIA) as CriterionId[]).map((id) => [id, answers[id] ?? { answer: 'no', comment: null }]));
  const input = {
    providerSlug: provider.slug,
    associationName: fields.association ?? '',
    rna: (fields.rna ?? '').trim() || null,
    verificationContact: (fields.email ?? '').trim().toLowerCase(),
    periodStart: errors.mois || errors.annee ? '2000-01' : period,
    periodEnd: null,
    work: fields.travail ?? '',
    tools: adopted,
    questionnaire,
    quote: quote || null,
    quoteConsent: fields.publier === 'oui',
  };
  const parsed = recommendationSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF_PATH[String(issue.path[0])] ?? 'association';
      errors[field] ??= issue.message.replace(/^[^:]+ : /, '');
    }
  }
  if (Object.keys(errors).length) return { errors };
  const followUp = Object.fromEntries((Object.keys(FOLLOW_UP_CRITERIA) as FollowUpId[]).map((id) => [id, answers[id]!]));
  const key = createHash('sha256').update(JSON.stringify([provider.id, foldText(input.associationName), input.verificationContact.toLowerCase(), period])).digest('hex');
  return { input, extra: { replacedTools: replaced, followUp, contactConsent: true }, key, errors };
}
