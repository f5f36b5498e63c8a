import { isStoreUnavailable } from '../store/database.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { frenchRequestError } from './french-messages.js';
import { moodleSettingProblem, type MoodleSiteSettings } from '../moodle/settings.js';

export type Upstream = 'wiki' | 'moodle' | 'store' | 'curriculum';

interface CodedError {
  name?: string;
  code?: unknown;
}

const UPSTREAM_NAMES: Record<Upstream, { subject: string }> = {
  wiki: { subject: 'Le wiki' },
  moodle: { subject: 'Moodle' },
  store: { subject: 'La base locale' },
  curriculum: { subject: 'Le parcours' },
};

const UNAVAILABLE_NAMES = /Unavailable|Timeout|Network/;

/**
 * Turns an upstream failure into a GraphQL error with a stable code, e.g. WIKI_UNAVAILABLE or
 * MOODLE_ERROR, keeping the upstream's own code (never its request, token or stack). With the
 * site's Moodle settings (calls made with MOODLE_TOKEN, not a learner's token), a failure caused
 * by a setting names it and says what to check.
 */
export function upstreamError(upstream: Upstream, err: unknown, moodleSettings?: MoodleSiteSettings): GraphQLError {
  if (err instanceof GraphQLError) return err;
  // A store failure inside a wiki or Moodle operation (the notes queue, the progress store) is
  // the store's, not the upstream's: the request can be retried once the store is back.
  if (isStoreUnavailable(err)) return storeUnavailable(err);
  const e = (err ?? {}) as CodedError;
  const prefix = upstream.toUpperCase();
  const unavailable = UNAVAILABLE_NAMES.test(e.name ?? '') || e.code === 'fetch failed' || e.code === 'ECONNREFUSED';
  const code = unavailable ? `${prefix}_UNAVAILABLE` : `${prefix}_ERROR`;
  const upstreamCode = typeof e.code === 'string' ? e.code : undefined;
  if (upstream === 'moodle' && upstreamCode === 'invalidresponse') {
    // Moodle refused nothing: it answered, in a shape Pollen cannot read (logged at warn).
    const wsfunction = (err as { wsfunction?: unknown }).wsfunction;
    const where = typeof wsfunction === 'string' && wsfunction ? ` à ${wsfunction}` : '';
    return new GraphQLError(
      `La réponse de Moodle${where} est inattendue : Pollen ne sait pas la lire (version de Moodle différente ?). Les opérateurs en ont le détail dans les journaux.`,
      { extensions: { code: 'MOODLE_UNEXPECTED_RESPONSE', upstream, upstreamCode } },
    );
  }
  const setting = upstream === 'moodle' && moodleSettings ? moodleSettingProblem(err, moodleSettings) : undefined;
  if (setting) return new GraphQLError(`Moodle a refusé la demande de Pollen : ${setting}`, { extensions: { code, upstream, upstreamCode } });
  const what = UPSTREAM_NAMES[upstream];
  const message = unavailable
    ? `${what.subject} est injoignable pour le moment ; les autres champs sont servis. Réessayez plus tard.`
    : `${what.subject} a refusé la demande${upstreamCode ? ` (code ${upstreamCode})` : ''}.`;
  return new GraphQLError(message, { extensions: { code, upstream, upstreamCode } });
}

/** Told of every upstream call a data source makes: for metrics. */
export type UpstreamObserver = (upstream: Upstream, outcome: 'ok' | 'error' | 'unavailable', seconds: number) => void;

/** Runs an upstream call and reports its failure as a coded GraphQL error. */
export async function fromUpstream<T>(upstream: Upstream, run: () => Promise<T>, observe?: UpstreamObserver, moodleSettings?: MoodleSiteSettings): Promise<T> {
  const started = performance.now();
  try {
    const value = await run();
    observe?.(upstream, 'ok', (performance.now() - started) / 1000);
    return value;
  } catch (err) {
    const error = upstreamError(upstream, err, moodleSettings);
    observe?.(upstream, String(error.extensions.code).endsWith('_UNAVAILABLE') ? 'unavailable' : 'error', (performance.now() - started) / 1000);
    throw error;
  }
}

/** The store (SQLite or PostgreSQL) is out of reach: the request can be retried, nothing was lost. */
export function storeUnavailable(cause?: unknown): GraphQLError {
  return new GraphQLError('La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.', {
    extensions: { code: 'STORE_UNAVAILABLE' },
    ...(cause instanceof Error ? { originalError: cause } : {}),
  });
}

/** Locations kept per error. */
const MAX_LOCATIONS = 5;

/** Where formatError reports what it hid from the client (the gateway's logger). */
export interface ErrorLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** `name: message (code)` of an error and of its causes, for the logs: never sent to a client. */
function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; originalError?: unknown };
    parts.push(`${String(e.name ?? 'Error')}: ${String(e.message ?? current)}${typeof e.code === 'string' ? ` (${e.code})` : ''}`);
    current = e.cause ?? (e.originalError !== current ? e.originalError : undefined);
  }
  return parts.join(' <- ');
}

/**
 * Last line of defence, on both executors: unexpected errors never leak their message or stack
 * to clients, a store out of reach answers STORE_UNAVAILABLE in French wherever it happened,
 * and each of these is logged once (here, where every error of an answer passes once) with its
 * cause, which the client never sees.
 */
export function createFormatError(log?: ErrorLog): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const storeDown = isStoreUnavailable(original) || code === 'STORE_UNAVAILABLE';
    if (storeDown) {
      log?.warn({ code: 'STORE_UNAVAILABLE', path: formatted.path?.join('.'), cause: describeCause(original) }, 'Store unavailable: the request was answered STORE_UNAVAILABLE');
      const { message, extensions } = storeUnavailable();
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    if (code === 'INTERNAL_SERVER_ERROR' && !(original instanceof GraphQLError)) {
      log?.error({ code, path: formatted.path?.join('.'), cause: describeCause(original) }, 'Unexpected error while answering a GraphQL request');
      return { message: 'Erreur interne. Elle a été journalisée ; réessayez ou prévenez l’équipe qui gère Pollen.', locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    const french = frenchRequestError(code, formatted.message);
    if (french?.detail) extensions.detail = french.detail;
    // A fragment cycle of 1,000 spreads has 1,000 locations: the first ones say where to look.
    const locations = formatted.locations && formatted.locations.length > MAX_LOCATIONS ? formatted.locations.slice(0, MAX_LOCATIONS) : formatted.locations;
    if (locations !== formatted.locations) extensions.locationsOmitted = formatted.locations!.length - MAX_LOCATIONS;
    return { ...formatted, ...(french ? { message: french.message } : {}), ...(locations ? { locations } : {}), extensions };
  };
}

/** formatError without a logger (specs, tools). */
export const formatError = createFormatError();
