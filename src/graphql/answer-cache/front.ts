import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import express, { type Express, type RequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import type { AnswerCache } from './cache.js';
import { answerKey, isAnonymous, passesCsrfCheck, serveCached, type CacheHooks } from './http.js';

/**
 * Handles a request before Express, or calls `pass` to hand it to Express untouched (or, for a
 * POST, with its JSON body read into `req.body`).
 */
export type Front = (req: IncomingMessage, res: ServerResponse, pass: () => void) => void;

export interface FrontOptions {
  cache: AnswerCache;
  hooks: CacheHooks;
  /**
   * The rate limit's decision for a request with no credential (seconds to wait, 0 when admitted;
   * src/rate-limit.tsx `admitAnonymous`, which Express's middleware then follows). None: no limit.
   */
  admit?: ((req: IncomingMessage) => number) | undefined;
  /** Largest JSON body read here, in bytes: the GraphQL route's own limit. */
  maxBodyBytes: number;
}

/** `application/json`, in UTF-8 (the charset the JSON body parser assumes when none is named). */
const JSON_UTF8 = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** The JSON body parser's strict mode: an object or an array, after JSON's own whitespace. */
const STRICT_FIRST = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/;

/** Bodies the front read and could not parse: the GraphQL route refuses them as express.json would. */
const unreadable = new WeakMap<IncomingMessage, Error>();

/**
 * The answer cache's front. An anonymous `POST /graphql` (JSON in UTF-8, with a Content-Length,
 * not compressed) or `GET /graphql?…` whose answer is cached is answered as it comes off the HTTP
 * parser: after the rate limit, without Express's router or body parser, which allocated two
 * thirds of the 32 KB such a request cost (V8's sampling heap profiler; 10 KB left, nearly all
 * Node's own HTTP objects). The bytes and headers are those the GraphQL route would send (one
 * `serveCached` for both). Everything else goes on to Express: what carries a cookie or a token,
 * other paths and methods, a body in another charset, compressed, chunked or over the limit
 * (express.json reads those), and every miss (with the body already parsed into `req.body`;
 * express.json then leaves it, since the stream has ended).
 */
export function answerCacheFront({ cache, hooks, admit, maxBodyBytes }: FrontOptions): Front {
  const answer = (req: IncomingMessage, res: ServerResponse, source: unknown, pass: () => void): void => {
    const asked = answerKey(source);
    if (!asked) return pass();
    const served = serveCached(req, res, asked, cache, hooks);
    if (served === false) return pass();
    if (served === true) {
      cache.stats.beforeRouter += 1;
      return;
    }
    void served.then((done) => guarded(req, res, pass, () => (done ? void (cache.stats.beforeRouter += 1) : pass())));
  };
  const front: Front = (req, res, pass) => {
    const { method, url = '', headers } = req;
    const isGet = method === 'GET' && url.startsWith('/graphql?');
    if (!(isGet || (method === 'POST' && url === '/graphql')) || !cache.enabled || !isAnonymous(headers)) return pass();
    // A browser asking for HTML with no query text gets the explorer from Express.
    if (isGet && (!passesCsrfCheck(headers) || (!/[?&]query=/.test(url) && /text\/html/i.test(headers.accept ?? '')))) return pass();
    const length = Number(headers['content-length']);
    if (!isGet && !(JSON_UTF8.test(headers['content-type'] ?? '') && headers['content-encoding'] === undefined && headers['transfer-encoding'] === undefined && length > 0 && length <= maxBodyBytes)) return pass();
    // The rate limit first, as for every request: a refused one goes on to be answered 429, unread.
    if (admit && admit(req) > 0) return pass();
    // Express's own query parser ("simple": node:querystring), so both see the same parameters.
    if (isGet) return answer(req, res, parseQueryString(url.slice(url.indexOf('?') + 1)), pass);
    readBody(req, length, (text) => guarded(req, res, pass, () => {
      let body: unknown;
      try {
        if (!'{['.includes(STRICT_FIRST.exec(text)?.[1] ?? '-')) throw new SyntaxError('not a JSON object or array');
        body = JSON.parse(text);
      } catch (err) {
        unreadable.set(req, Object.assign(err as Error, { status: 400, type: 'entity.parse.failed' }));
        return pass();
      }
      (req as IncomingMessage & { body?: unknown }).body = body;
      answer(req, res, body, pass);
    }));
  };
  return (req, res, pass) => guarded(req, res, pass, () => front(req, res, pass));
}

/**
 * Runs `step` of the front; should it throw, the request goes on to Express as it would have
 * without the front (whose error handler answers what it cannot), instead of the exception
 * leaving an event listener and stopping the process.
 */
function guarded(req: IncomingMessage, res: ServerResponse, pass: () => void, step: () => void): void {
  try {
    step();
  } catch {
    if (res.headersSent) res.destroy();
    else pass();
  }
}

/** Reads a body of `length` bytes as UTF-8 (without a byte order mark); nothing when the client went away. */
function readBody(req: IncomingMessage, length: number, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.once('end', () => {
    if (received !== length) return;
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString('utf8');
    done(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  });
  // An aborted upload: there is no one left to answer.
  req.once('error', () => undefined);
}

/**
 * The GraphQL route's JSON body parser: express.json with `limit`, which leaves a body the front
 * already read (the request has ended) and refuses, with the same error, one it could not parse.
 */
export function graphqlBody(limit: number): RequestHandler {
  const json = express.json({ limit });
  return (req, res, next) => {
    const error = unreadable.get(req);
    if (error) return next(error);
    json(req, res, next);
  };
}

/**
 * Puts `front` before the app's router, for every way the app is served (`app.listen`,
 * `http.createServer(app)`): an Express app is a function that hands each request to its
 * `handle` method, which builds Express's request and response and walks the router.
 */
export function beforeRouter(app: Express, front: Front): void {
  const routed = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, done?: (err?: unknown) => void) => void };
  const route = routed.handle.bind(app);
  routed.handle = (req, res, done) => {
    let passed = false;
    front(req, res, () => {
      if (passed) return;
      passed = true;
      route(req, res, done);
    });
  };
}

/** The client's address as Express's `req.ip` gives it, under the app's `trust proxy` setting. */
export function clientAddress(app: Express): (req: IncomingMessage) => string {
  return (req) => proxyaddr(req, app.get('trust proxy fn') as (addr: string, i: number) => boolean);
}
