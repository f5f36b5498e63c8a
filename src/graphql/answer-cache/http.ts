import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext, type ContextFunction } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { AnswerCache, AnswerReads, CachedAnswer } from './cache.js';
import { PolicyCache } from './policy.js';

/** An anonymous request that may be answered from the cache, while it is executed. */
export interface Candidate {
  key: string;
  /** The cache's generation when execution began. */
  generation: number;
  /** Set by the plugin when the executed answer may be kept. */
  keep?: { maxAge: number; reads: AnswerReads };
}

/** What the plugin needs of the request's context: who asks and what was read. */
export interface AnswerCacheContext {
  req: Request | undefined;
  viewer: { role: string };
  credentialRejected: boolean;
  /** Wiki titles the request read, and the age of stale pages served (never cached). */
  wiki: { readonly titlesRead: ReadonlySet<string>; staleAgeSeconds: number | undefined };
  storeScopesRead: ReadonlySet<string>;
}

/** Headers that make a GET request non-simple for Apollo's CSRF prevention (a browser sends them only after a preflight). */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Apollo's CSRF prevention, for GET requests answered without Apollo: the same refusals. */
export function passesCsrfCheck(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  if (type !== undefined && !SIMPLE_CONTENT_TYPES.has(type.split(';')[0]!.trim().toLowerCase())) return true;
  return PREFLIGHT_HEADERS.some((h) => typeof headers[h] === 'string' && (headers[h] as string).length > 0);
}

/** Variables nested deeper than this are not cached (a key is built by recursion; a 1 MB body can nest 500,000 levels). */
const MAX_VARIABLES_DEPTH = 32;

/**
 * JSON with object keys sorted at every level: `{a,b}` and `{b,a}` are one key. Undefined when
 * the value nests deeper than MAX_VARIABLES_DEPTH.
 */
function stableJson(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_VARIABLES_DEPTH) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const part = stableJson(item, depth + 1);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  for (const k of Object.keys(value).sort()) {
    const part = stableJson((value as Record<string, unknown>)[k], depth + 1);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(k)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol.for('invalid');
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A request's cache key, and the query text it registers under its hash (automatic persisted queries). */
export interface AskedAnswer {
  key: string;
  persisted?: { hash: string; query: string };
}

/**
 * The cache key of a request, from its parsed JSON body (POST) or query string (GET): the
 * document's SHA-256 (the hash automatic persisted queries use, so a GET with only the hash and a
 * POST with the text find the same answer), the operation name and the variables (keys sorted).
 * Undefined for what is never cached: a batch, no document, a body Apollo will refuse anyway.
 */
export function answerKey(source: unknown): AskedAnswer | undefined {
  if (!source || typeof source !== 'object' || Array.isArray(source)) return undefined;
  const { query, operationName, variables, extensions } = source as Record<string, unknown>;
  const persisted = extensions === undefined ? undefined : (parseJson(extensions) as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  let hash: string;
  if (typeof query === 'string') hash = createHash('sha256').update(query).digest('hex');
  else {
    if (typeof persisted !== 'string' || !SHA256_HEX.test(persisted)) return undefined;
    hash = persisted;
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  const vars = parseJson(variables);
  if (vars !== undefined && vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) return undefined;
  const varsKey = vars && Object.keys(vars).length > 0 ? stableJson(vars) : '';
  if (varsKey === undefined) return undefined;
  const key = `${hash}\n${operationName ?? ''}\n${varsKey}`;
  // The text and its hash together: a client registering an automatic persisted query.
  return typeof query === 'string' && persisted === hash ? { key, persisted: { hash, query } } : { key };
}

/** No cookie, no token: the request is anonymous whatever the store says. */
export function isAnonymous(headers: IncomingHttpHeaders): boolean {
  return headers.authorization === undefined && headers.cookie === undefined;
}

/** Only anonymous requests carry the public headers; a proxy keeps one answer per credential header. */
const VARY = 'Authorization, Cookie';

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedAnswer, cache: AnswerCache, now: number): void {
  const headers = {
    'Cache-Control': entry.cacheControl,
    ETag: entry.etag,
    Vary: VARY,
    Age: String(Math.max(0, Math.floor((now - entry.storedAt) / 1000))),
  };
  if (matches(req.headers['if-none-match'], entry.etag)) {
    cache.stats.notModified += 1;
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': entry.body.length }).end(entry.body);
}

export interface CacheHooks {
  /** Each answer served from the cache. */
  onHit?: () => void;
  /**
   * A query text sent with its hash and answered from the cache: Apollo never saw it, so the
   * hash alone would not find the text later (automatic persisted queries).
   */
  onPersistedQuery?: (hash: string, query: string) => void;
}

/**
 * Answers `asked` from the cache if it holds a good answer: true (or a promise of true) when it
 * did, false when the request must be executed. Synchronous unless the answer read the store:
 * such an answer waits for a recent enough read of the change marker (which may drop it).
 */
export function serveCached(req: IncomingMessage, res: ServerResponse, asked: AskedAnswer, cache: AnswerCache, hooks: CacheHooks): boolean | Promise<boolean> {
  const now = Date.now();
  const entry = cache.get(asked.key, now);
  if (!entry) return false;
  const send = (good: CachedAnswer | undefined): boolean => {
    if (!good) return false;
    cache.stats.hits += 1;
    hooks.onHit?.();
    if (asked.persisted) hooks.onPersistedQuery?.(asked.persisted.hash, asked.persisted.query);
    sendCached(req, res, good, cache, now);
    return true;
  };
  if (entry.scopes.length === 0) return send(entry);
  return cache.storeConfirmed(now).then((confirmed) => send(confirmed ? cache.get(asked.key, now) : undefined));
}

/**
 * The GraphQL route: Apollo's Express integration (@as-integrations/express5), with the answer
 * cache in front. An anonymous GET or POST whose answer is cached is answered here, without
 * Apollo, with the bytes and headers computed when it was stored (a conditional request whose
 * If-None-Match names its ETag gets 304 and no body); otherwise Apollo answers, and an answer
 * the plugin found cacheable is stored and sent with its Cache-Control and ETag.
 */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: ContextFunction<[{ req: Request; res: Response }], TContext>,
  cache: AnswerCache | undefined,
  /** Shared with answerCachePlugin: the requests being executed that may be kept. */
  candidates: WeakMap<Request, Candidate>,
  hooks: CacheHooks = {},
): RequestHandler {
  return async (req, res) => {
    let candidate: Candidate | undefined;
    if (cache?.enabled && (req.method === 'GET' || req.method === 'POST') && isAnonymous(req.headers) && (req.method === 'POST' || passesCsrfCheck(req.headers))) {
      const asked = answerKey(req.method === 'POST' ? req.body : req.query);
      if (asked !== undefined) {
        const served = serveCached(req, res, asked, cache, hooks);
        if (served === true || (served !== false && (await served))) return;
        cache.stats.misses += 1;
        candidate = { key: asked.key, generation: cache.generation };
        candidates.set(req, candidate);
      }
    }
    if (!('body' in req)) {
      res.status(500).send('`req.body` is not set: the JSON body parser must run before the GraphQL route.');
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryAt = req.url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: queryAt >= 0 ? req.url.slice(queryAt) : '', body: req.body },
      context: () => context({ req, res }),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      const keep = candidate?.keep;
      const stored = keep && res.statusCode === 200 && !res.hasHeader('set-cookie')
        ? cache!.store(candidate!.key, Buffer.from(response.body.string), keep.maxAge, keep.reads, candidate!.generation)
        : undefined;
      if (stored) {
        sendCached(req, res, stored, cache!, stored.storedAt);
        return;
      }
      res.send(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/**
 * Decides, once Apollo has answered, whether an anonymous request's answer may be kept: a query
 * (never a mutation), every field selected with a public cache hint (src/graphql/schema), no
 * error, no stale wiki page, asked with no credential at all. Records its max-age and what it read.
 */
export function answerCachePlugin(schema: GraphQLSchema, candidates: WeakMap<Request, Candidate>): ApolloServerPlugin<AnswerCacheContext & BaseContext> {
  const policies = new PolicyCache(schema);
  const hooks: Awaited<ReturnType<NonNullable<ApolloServerPlugin<AnswerCacheContext & BaseContext>['requestDidStart']>>> = {
    async willSendResponse({ contextValue, document, operation, operationName, response }) {
      const candidate = contextValue.req && candidates.get(contextValue.req);
      if (!candidate || !document || operation?.operation !== 'query') return;
      if (contextValue.viewer.role !== 'anonymous' || contextValue.credentialRejected) return;
      const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
      if (!single || single.errors?.length || single.extensions !== undefined || contextValue.wiki.staleAgeSeconds !== undefined) return;
      if (response.http.status !== undefined && response.http.status !== 200) return;
      const policy = policies.policyOf(document, operationName);
      if (!policy) return;
      candidate.keep = { maxAge: policy.maxAge, reads: { titles: contextValue.wiki.titlesRead, scopes: contextValue.storeScopesRead } };
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
