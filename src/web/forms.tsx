/**
 * The pieces of every form: fields that keep what was typed and show their refusal right under
 * their label (linked by aria-describedby, the first refused one focused when the page opens),
 * the CSRF field, and a honeypot field people never see.
 */
import type { ComponentChildren } from 'preact';
import type { RefusedForm } from './flash.js';

/** What a form shows again: the values typed and the errors, by field name. */
export interface FormState {
  values: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
}

export const EMPTY_FORM: FormState = Object.freeze({ values: {}, errors: {} });

/** The state of form `name` from a refused submission, else the defaults. */
export function formState(name: string, refused: RefusedForm | undefined, defaults: Record<string, string> = {}): FormState {
  if (refused?.form !== name) return { values: defaults, errors: {} };
  return { values: { ...defaults, ...refused.values }, errors: refused.errors };
}

/** The field to focus: the first refused one in the form's order. */
function firstError(state: FormState, order: readonly string[]): string | undefined {
  return order.find((name) => state.errors[name] !== undefined) ?? Object.keys(state.errors)[0];
}

interface FieldBase {
  name: string;
  label: ComponentChildren;
  state: FormState;
  hint?: ComponentChildren;
  required?: boolean;
  /** The form's field order, to focus the first refused one (default: the errors' order). */
  order?: readonly string[];
  /** Id prefix when a page has two forms with the same field names. */
  idPrefix?: string;
}

function ids(props: FieldBase) {
  const id = `${props.idPrefix ?? 'champ'}-${props.name}`;
  const error = props.state.errors[props.name];
  const describedBy = [props.hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined;
  const focus = error !== undefined && firstError(props.state, props.order ?? []) === props.name;
  return { id, error, describedBy, focus };
}

function Label(props: FieldBase & { id: string }) {
  return (
    <label for={props.id}>
      {props.label}
      {props.required ? null : <span class="hint"> (facultatif)</span>}
    </label>
  );
}

function Help(props: { id: string; hint?: ComponentChildren; error: string | undefined }) {
  return (
    <>
      {props.hint ? <p class="hint" id={`${props.id}-aide`}>{props.hint}</p> : null}
      {props.error ? <p class="field-error" id={`${props.id}-erreur`}>{`Erreur : ${props.error}`}</p> : null}
    </>
  );
}

export function TextField(props: FieldBase & { type?: 'text' | 'email' | 'url' | 'tel' | 'date' | 'number' | 'password'; autocomplete?: string; maxLength?: number; inputMode?: string }) {
  const { id, error, describedBy, focus } = ids(props);
  return (
    <div class="field">
      <Label {...props} id={id} />
      <Help id={id} hint={props.hint} error={error} />
      <input
        id={id} name={props.name} type={(props.type ?? 'text') as 'text'}
        value={props.type === 'password' ? undefined : (props.state.values[props.name] ?? '')}
        required={props.required} maxLength={props.maxLength} autocomplete={props.autocomplete}
        aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} autofocus={focus || undefined}
      />
    </div>
  );
}

export function TextArea(props: FieldBase & { maxLength?: number; rows?: number }) {
  const { id, error, describedBy, focus } = ids(props);
  return (
    <div class="field">
      <Label {...props} id={id} />
      <Help id={id} hint={props.hint} error={error} />
      <textarea
        id={id} name={props.name} rows={props.rows ?? 5} required={props.required} maxLength={props.maxLength}
        aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} autofocus={focus || undefined}
      >{props.state.values[props.name] ?? ''}</textarea>
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField(props: FieldBase & { choices: readonly Choice[]; placeholder?: string }) {
  const { id, error, describedBy, focus } = ids(props);
  const selected = props.state.values[props.name] ?? '';
  return (
    <div class="field">
      <Label {...props} id={id} />
      <Help id={id} hint={props.hint} error={error} />
      <select id={id} name={props.name} required={props.required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} autofocus={focus || undefined}>
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.choices.map((c) => <option value={c.value} selected={c.value === selected}>{c.label}</option>)}
      </select>
    </div>
  );
}

/** Radio buttons (one answer) or checkboxes (several: values joined by commas in the state). */
export function ChoiceGroup(props: FieldBase & { choices: readonly Choice[]; multiple?: boolean }) {
  const { id, error, describedBy, focus } = ids(props);
  const chosen = new Set((props.state.values[props.name] ?? '').split(',').filter(Boolean));
  return (
    <fieldset class="field" id={id} aria-describedby={describedBy}>
      <legend>
        {props.label}
        {props.required ? null : <span class="hint"> (facultatif)</span>}
      </legend>
      <Help id={id} hint={props.hint} error={error} />
      {props.choices.map((c, i) => (
        <div class="choice">
          <input
            type={props.multiple ? 'checkbox' : 'radio'} id={`${id}-${i}`} name={props.name} value={c.value}
            checked={chosen.has(c.value)} required={!props.multiple && props.required}
            aria-invalid={error ? 'true' : undefined} autofocus={(focus && i === 0) || undefined}
          />
          <label for={`${id}-${i}`}>{c.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** One checkbox (consent): its value is "oui" when ticked. */
export function Checkbox(props: FieldBase) {
  const { id, error, describedBy, focus } = ids(props);
  return (
    <div class="field">
      <Help id={id} hint={props.hint} error={error} />
      <div class="choice">
        <input
          type="checkbox" id={id} name={props.name} value="oui" checked={props.state.values[props.name] === 'oui'}
          required={props.required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} autofocus={focus || undefined}
        />
        <label for={id}>{props.label}</label>
      </div>
    </div>
  );
}

/** The form token (src/web/csrf.ts) every POST form carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="csrf" value={props.token} />;
}

/** The field a person never sees nor reaches with the keyboard; robots that fill every field fill it. */
export const HONEYPOT_FIELD = 'site_web';

export function Honeypot() {
  return (
    <div class="trap" aria-hidden="true">
      <label for="champ-site-web">Ne remplissez pas ce champ</label>
      <input id="champ-site-web" name={HONEYPOT_FIELD} type="text" tabindex={-1} autocomplete="off" value="" />
    </div>
  );
}

/** A POST form with its token and honeypot. */
export function PostForm(props: { action: string; token: string; class?: string; id?: string; honeypot?: boolean; label?: string; children?: ComponentChildren }) {
  return (
    <form method="post" action={props.action} class={props.class ?? 'stack'} id={props.id} aria-label={props.label} noValidate>
      <CsrfField token={props.token} />
      {props.honeypot ? <Honeypot /> : null}
      {props.children}
    </form>
  );
}
