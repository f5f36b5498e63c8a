/** A date in the page: `<time datetime>` (ISO) with its French rendering (Paris time) inside. */
import { frenchDateTime } from '../web/format.js';

export function Time(props: { value: string | null | undefined; format?: (value: string) => string; empty?: string }) {
  const date = props.value ? new Date(props.value) : undefined;
  if (!props.value || !date || Number.isNaN(date.getTime())) return <>{props.empty ?? 'date inconnue'}</>;
  return <time datetime={date.toISOString()}>{(props.format ?? frenchDateTime)(props.value)}</time>;
}
