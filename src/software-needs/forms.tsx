/**
 * The three public forms of `/besoins-logiciels` and what they read: « Proposer un besoin »,
 * « Nous en avons besoin aussi » (with an optional pledge), « Nous pourrions le réaliser ». Each
 * `read…` turns the posted fields into the service's input, or each field's refusal in French.
 */
import { de, frenchNumber } from '../text/french.js';
import { ChoiceGroup, PostForm, TextArea, TextField, type FormState } from '../web/forms.js';
import type { FormBody } from '../web/web.js';
import { KINDS, type EntryInput, type NeedKind, type ProposalInput } from './service.js';

export const PROPOSE_FORM = 'besoins-proposer';
export const NEED_FORM = 'besoins-besoin';
export const OFFER_FORM = 'besoins-realiser';

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,255}\.[a-z]{2,}$/i;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

type Errors = Record<string, string>;

function text(fields: FormBody, name: string, errors: Errors, opts: { label: string; min?: number; max: number; required?: boolean }): string {
  const value = (fields[name] ?? '').replace(/\r\n/g, '\n').trim();
  if (!value) {
    if (opts.required) errors[name] = `Indiquez ${opts.label}.`;
    return '';
  }
  if (CONTROL.test(value)) errors[name] = 'Ce texte contient des caractères invisibles non acceptés : retapez-le.';
  else if (value.length > opts.max) errors[name] = `Ce texte fait ${value.length} caractères : ${frenchNumber(opts.max)} au plus.`;
  else if (opts.min && value.length < opts.min) errors[name] = `Ce texte est trop court (${value.length} caractères) : écrivez-en au moins ${opts.min}.`;
  return value;
}

function email(fields: FormBody, errors: Errors): string {
  const value = (fields.courriel ?? '').trim();
  if (!EMAIL.test(value) || value.length > 200) errors.courriel = 'Indiquez une adresse e-mail valide, par exemple bureau@mon-asso.fr : le lien de confirmation y sera envoyé.';
  return value.toLowerCase();
}

function whole(fields: FormBody, name: string, errors: Errors, max: number, unit: string): number | null {
  const value = (fields[name] ?? '').trim().replace(/[\s\u00a0\u202f]/g, '');
  if (!value) return null;
  if (!/^\d{1,9}$/.test(value)) errors[name] = `Indiquez un nombre entier ${de(unit)} (sans virgule), ou laissez vide.`;
  else if (Number(value) > max) errors[name] = `${frenchNumber(max)} ${unit} au plus.`;
  else return Number(value) || null;
  return null;
}

export function readProposal(fields: FormBody): { input: ProposalInput } | { errors: Errors } {
  const errors: Errors = {};
  const title = text(fields, 'titre', errors, { label: 'le titre du besoin', min: 3, max: 120, required: true });
  const description = text(fields, 'description', errors, { label: 'ce qui manque à votre association', min: 20, max: 3000, required: true });
  const kind = fields.type ?? '';
  if (!(kind in KINDS)) errors.type = 'Choisissez s’il s’agit d’un logiciel entier ou d’une fonctionnalité.';
  const software = text(fields, 'logiciel', errors, { label: 'le logiciel', max: 120 });
  const associationName = text(fields, 'association', errors, { label: 'le nom de votre association', min: 2, max: 150, required: true });
  const address = email(fields, errors);
  if (Object.keys(errors).length) return { errors };
  return { input: { title, description, kind: kind as NeedKind, software: software || null, associationName, email: address } };
}

export function readNeed(fields: FormBody): { input: EntryInput } | { errors: Errors } {
  const errors: Errors = {};
  const name = text(fields, 'association', errors, { label: 'le nom de votre association', min: 2, max: 150, required: true });
  const address = email(fields, errors);
  const hours = whole(fields, 'heures', errors, 10_000, 'heures');
  const euros = whole(fields, 'euros', errors, 1_000_000, 'euros');
  const note = text(fields, 'note', errors, { label: 'une note', max: 500 });
  if (Object.keys(errors).length) return { errors };
  return { input: { name, email: address, link: null, hours, euros, note: note || null } };
}

export function readOffer(fields: FormBody): { input: EntryInput } | { errors: Errors } {
  const errors: Errors = {};
  const name = text(fields, 'nom', errors, { label: 'votre nom ou celui de votre structure', min: 2, max: 150, required: true });
  const address = email(fields, errors);
  const raw = (fields.lien ?? '').trim();
  let link: string | null = null;
  if (raw) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || raw.length > 300 || url.username || url.password) {
      errors.lien = 'Indiquez une adresse web complète, commençant par https://, ou laissez vide.';
    } else {
      link = url.href;
    }
  }
  const note = text(fields, 'note', errors, { label: 'une note', max: 500 });
  if (Object.keys(errors).length) return { errors };
  return { input: { name, email: address, link, hours: null, euros: null, note: note || null } };
}

const PROPOSE_ORDER = ['titre', 'type', 'description', 'logiciel', 'association', 'courriel'];
const NEED_ORDER = ['association', 'courriel', 'heures', 'euros', 'note'];
const OFFER_ORDER = ['nom', 'courriel', 'lien', 'note'];

const EMAIL_HINT = 'Un lien de confirmation y est envoyé. L’adresse n’est jamais publiée : seule l’équipe d’animation la voit.';

export function ProposeForm(props: { state: FormState; token: string }) {
  const f = { state: props.state, order: PROPOSE_ORDER };
  return (
    <PostForm action="/besoins-logiciels/proposer" token={props.token} honeypot label="Proposer un besoin">
      <TextField {...f} name="titre" label="Titre du besoin" required maxLength={120} hint="Par exemple : « Relances d’adhésion automatiques dans Paheko »." />
      <ChoiceGroup {...f} name="type" label="Il s’agit" required choices={[{ value: 'logiciel', label: 'd’un logiciel libre qui n’existe pas encore' }, { value: 'fonctionnalite', label: 'd’une fonctionnalité à ajouter à un logiciel libre existant' }]} />
      <TextArea {...f} name="description" label="Ce qui manque à votre association" required maxLength={3000} rows={6} hint="Ce que vous voudriez faire, ce que vous utilisez aujourd’hui, pour combien de personnes." />
      <TextField {...f} name="logiciel" label="Logiciel libre concerné" maxLength={120} hint="Pour une fonctionnalité : le logiciel à compléter (Nextcloud, Paheko…)." />
      <TextField {...f} name="association" label="Nom de votre association" required maxLength={150} autocomplete="organization" hint="Il est publié avec le besoin, comme première association à en avoir besoin." />
      <TextField {...f} name="courriel" type="email" label="Adresse e-mail" required maxLength={200} autocomplete="email" hint={EMAIL_HINT} />
      <p><button type="submit" class="primary">Proposer ce besoin</button></p>
    </PostForm>
  );
}

export function NeedForm(props: { action: string; state: FormState; token: string }) {
  const f = { state: props.state, order: NEED_ORDER };
  return (
    <PostForm action={props.action} token={props.token} honeypot label="Nous en avons besoin aussi">
      <TextField {...f} name="association" label="Nom de votre association" required maxLength={150} autocomplete="organization" hint="Il est publié dans la liste des associations qui en ont besoin." />
      <TextField {...f} name="courriel" type="email" label="Adresse e-mail" required maxLength={200} autocomplete="email" hint={EMAIL_HINT} />
      <h2>Votre contribution envisagée</h2>
      <p class="hint">Une promesse, non encaissée par Pollen : elle aide à voir ce que les associations sont prêtes à mettre en commun. Laissez vide si vous ne pouvez rien promettre.</p>
      <div class="pair">
        <TextField {...f} name="heures" label="Temps (en heures)" inputMode="numeric" maxLength={6} hint="Tests, documentation, traductions…" />
        <TextField {...f} name="euros" label="Montant (en euros)" inputMode="numeric" maxLength={8} hint="Un nombre entier." />
      </div>
      <TextArea {...f} name="note" label="Une courte note" maxLength={500} rows={3} hint="Publiée avec le nom de votre association." />
      <p><button type="submit" class="primary">Ajouter notre besoin</button></p>
    </PostForm>
  );
}

export function OfferForm(props: { action: string; state: FormState; token: string }) {
  const f = { state: props.state, order: OFFER_ORDER };
  return (
    <PostForm action={props.action} token={props.token} honeypot label="Nous pourrions le réaliser">
      <TextField {...f} name="nom" label="Votre nom ou celui de votre structure" required maxLength={150} autocomplete="organization" hint="Il est publié avec le besoin." />
      <TextField {...f} name="courriel" type="email" label="Adresse e-mail" required maxLength={200} autocomplete="email" hint={EMAIL_HINT} />
      <TextField {...f} name="lien" type="url" label="Lien vers vos réalisations" maxLength={300} hint="Votre site, un dépôt de code… Il est publié." />
      <TextArea {...f} name="note" label="Une courte note" maxLength={500} rows={3} hint="Ce que vous pourriez faire, en combien de temps. Publiée." />
      <p><button type="submit" class="primary">Proposer notre aide</button></p>
    </PostForm>
  );
}
