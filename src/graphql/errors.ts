import { isStoreUnavailable } from '../store/database.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { frenchRequestError } from './french-messages.js';

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
 * MOODLE_ERROR, keeping the upstream's own code (never its request, token or stack).
 */
export function upstreamError(upstream: Upstream, err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
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
  const what = UPSTREAM_NAMES[upstream];
  const message = unavailable
    ? `${what.subject} est injoignable pour le moment ; les autres champs sont servis. Réessayez plus tard.`
    : `${what.subject} a refusé la demande${upstreamCode ? ` (code ${upstreamCode})` : ''}.`;
  return new GraphQLError(message, { extensions: { code, upstream, upstreamCode } });
}

/** Told of every upstream call a data source makes: for metrics. */
export type UpstreamObserver = (upstream: Upstream, outcome: 'ok' | 'error' | 'unavailable', seconds: number) => void;

/** Runs an upstream call and reports its failure as a coded GraphQL error. */
export async function fromUpstream<T>(upstream: Upstream, run: () => Promise<T>, observe?: UpstreamObserver): Promise<T> {
  const started = performance.now();
  try {
    const value = await run();
    observe?.(upstream, 'ok', (performance.now() - started) / 1000);
    return value;
  } catch (err) {
    const error = upstreamError(upstream, err);
    observe?.(upstream, String(error.extensions.code).endsWith('_UNAVAILABLE') ? 'unavailable' : 'error', (performance.now() - started) / 1000);
    throw error;
  }
}

/** The store (SQLite or PostgreSQL) is out of reach: the request can be retried, nothing was lost. */
export function storeUnavailable(): GraphQLError {
  return new GraphQLError('La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.', {
    extensions: { code: 'STORE_UNAVAILABLE' },
  });
}

/** Last line of defence: unexpected errors never leak their message or stack to clients. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (isStoreUnavailable(original)) {
    const { message, extensions } = storeUnavailable();
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (code === 'INTERNAL_SERVER_ERROR' && !(original instanceof GraphQLError)) {
    return { message: 'Erreur interne. Elle a été journalisée ; réessayez ou prévenez l’équipe qui gère Pollen.', locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
  const french = frenchRequestError(code, formatted.message);
  return { ...formatted, ...(french ? { message: french } : {}), extensions };
}
