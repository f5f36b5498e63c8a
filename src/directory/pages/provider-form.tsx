/**
 * The structure's fiche as a form, for « Déclarer ma structure » and for its own management page:
 * name, kind, services, territories (régions and « à distance » ticked, départements by number),
 * website, public contact, town, description. `readProvider` turns the posted fields into the
 * service's declaration input, or each field's refusal in French.
 */
import type { ComponentChildren } from 'preact';
import { ChoiceGroup, PostForm, SelectField, TextArea, TextField, type FormState } from '../../web/forms.js';
import { declarationSchema, type DeclarationInput } from '../inputs.js';
import { PROVIDER_KINDS, SERVICES, type Provider } from '../model.js';
import { REMOTE, regions, territory } from '../territories.js';
import { splitList } from './common.js';
import { lazily } from '../../text/lazily.js';

export const PROVIDER_ORDER = ['nom', 'type', 'services', 'regions', 'departements', 'ville', 'site', 'contact', 'description', 'email'];

const areaChoices = lazily(() => [...regions().map((r) => ({ value: r.id, label: r.name })), { value: REMOTE, label: 'À distance, partout en France' }]);

/** The form's values for a fiche as it is (the management page's defaults). */
export function providerValues(p: Provider): Record<string, string> {
  return {
    nom: p.name, type: p.kind, services: p.services.join(','),
    regions: p.territories.filter((t) => territory(t)?.kind !== 'departement').join(','),
    departements: p.territories.filter((t) => territory(t)?.kind === 'departement').join(', '),
    ville: p.address?.city ?? '', site: p.website ?? '', contact: p.publicContact ?? '', description: p.description,
  };
}

export function ProviderFields(props: { state: FormState; withEmail: boolean }) {
  const f = { state: props.state, order: PROVIDER_ORDER };
  return (
    <>
      <TextField {...f} name="nom" label="Nom de la structure" required maxLength={120} autocomplete="organization" />
      <SelectField {...f} name="type" label="Type de structure" required placeholder="Choisir" choices={Object.entries(PROVIDER_KINDS).map(([value, label]) => ({ value, label }))} />
      <ChoiceGroup {...f} name="services" label="Services proposés aux associations" required multiple choices={Object.entries(SERVICES).map(([value, label]) => ({ value, label }))} />
      <ChoiceGroup {...f} name="regions" label="Régions desservies en entier, ou à distance" multiple choices={areaChoices()} hint="Cochez une région seulement si vous intervenez dans tous ses départements ; sinon, indiquez les départements ci-dessous." />
      <TextField {...f} name="departements" label="Départements desservis" maxLength={200} hint="Leurs numéros, séparés par des virgules, par exemple : 69, 38, 2A." />
      <TextField {...f} name="ville" label="Ville où la structure est installée" maxLength={100} autocomplete="address-level2" />
      <TextField {...f} name="site" type="url" label="Site web" maxLength={300} hint="Une adresse complète, par exemple https://exemple.org" autocomplete="url" />
      <TextField {...f} name="contact" label="Contact à afficher publiquement" maxLength={300} hint="Une adresse e-mail ou une page de contact : elle sera visible de tous sur votre fiche. Laissez vide pour n’en afficher aucun." />
      <TextArea {...f} name="description" label="Description" required maxLength={2000} hint="Ce que vous faites avec les associations, en quelques phrases." />
      {props.withEmail ? (
        <TextField {...f} name="email" type="email" label="Votre adresse e-mail" required maxLength={200} autocomplete="email" hint="Jamais publiée : elle sert à confirmer la déclaration, puis à recevoir les liens pour gérer votre fiche." />
      ) : null}
    </>
  );
}

export function ProviderForm(props: { action: string; state: FormState; token: string; withEmail: boolean; label: string; submit: string; children?: ComponentChildren }) {
  return (
    <PostForm action={props.action} token={props.token} honeypot label={props.label}>
      {props.children}
      <ProviderFields state={props.state} withEmail={props.withEmail} />
      <button type="submit" class="primary">{props.submit}</button>
    </PostForm>
  );
}

const FIELD_OF_PATH: Record<string, string> = {
  name: 'nom', kind: 'type', services: 'services', territories: 'departements', address: 'ville', website: 'site', publicContact: 'contact', publicContactConsent: 'contact', description: 'description',
};

/** The posted fiche as the service's input (the address typed for declarations), or each field's refusal. */
export function readProvider(fields: Record<string, string>, withEmail: boolean, current?: Provider): { input?: DeclarationInput; email?: string; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const areas = splitList(fields.regions).filter((id) => territory(id) !== undefined && territory(id)!.kind !== 'departement');
  const codes = splitList(fields.departements).map((c) => (/^\d$/.test(c) ? `0${c}` : c.toUpperCase()));
  const unknown = codes.filter((c) => territory(c)?.kind !== 'departement');
  if (unknown.length) errors.departements = `numéro${unknown.length > 1 ? 's' : ''} de département inconnu${unknown.length > 1 ? 's' : ''} : ${unknown.slice(0, 5).join(', ')}`;
  const territories = [...areas, ...codes.filter((c) => !unknown.includes(c))];
  if (territories.length === 0 && !errors.departements) errors.regions = 'cochez au moins une région ou « à distance », ou indiquez un département';
  const city = (fields.ville ?? '').trim();
  const contact = (fields.contact ?? '').trim();
  // The town is kept with the coordinates already known (the management page has no map).
  const keep = current?.address && current.address.city === city ? current.address : null;
  const input = {
    name: fields.nom ?? '', kind: fields.type ?? '', description: fields.description ?? '',
    services: splitList(fields.services), territories,
    address: city ? (keep ?? { street: null, postalCode: null, city, lat: null, lon: null }) : null,
    website: (fields.site ?? '').trim() || null,
    // The field says it is shown to everyone: filling it is the consent.
    publicContact: contact || null, publicContactConsent: contact !== '',
  };
  const parsed = declarationSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF_PATH[String(issue.path[0])] ?? 'nom';
      errors[field] ??= issue.message.replace(/^(nom de la structure|description|site web|contact public|ville) : /, '');
    }
  }
  let email: string | undefined;
  if (withEmail) {
    email = (fields.email ?? '').trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200) errors.email = 'adresse e-mail invalide : elle doit ressembler à nom@exemple.org';
  }
  if (Object.keys(errors).length || !parsed.success) return { errors };
  return { input: parsed.data, email, errors };
}
