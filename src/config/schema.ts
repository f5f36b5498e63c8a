import { z } from 'zod';
import { parseSecretKey } from '../auth/secrets.js';
import { parseStoreUrl } from './store-url.js';

/** Settings that are secrets: never logged, never returned, never put in an error message. */
export const SECRET_ENV_KEYS = ['WIKI_BOT_PASSWORD', 'MOODLE_TOKEN', 'POLLEN_FACILITATOR_TOKENS', 'POLLEN_ADMIN_TOKENS', 'POLLEN_DATABASE_URL', 'POLLEN_SECRET_KEY', 'POLLEN_SMTP_URL'] as const;

const optionalUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://wiki.example.org/api.php' }).optional(),
);

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** Comma-separated list of tokens, e.g. API tokens for facilitators. */
const tokenList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Every setting Pollen reads, with its environment variable and default.
 * One schema: behaviour is configured in one place.
 */
/** One entry of Express's `trust proxy` list: a named range, or an IPv4/IPv6 address with an optional prefix. */
const TRUST_PROXY_ITEM = /^(loopback|linklocal|uniquelocal|[0-9.]+(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/;

export const envSchema = z.object({
    /** Port of the GraphQL gateway. */
    PORT: z.coerce.number({ error: 'must be a port number (1-65535)' }).int().min(1, 'must be a port number (1-65535)').max(65535, 'must be a port number (1-65535)').default(4000),
    /** Interface the gateway listens on. */
    HOST: z.string().default('127.0.0.1'),
    /**
     * Express `trust proxy`: set it when a reverse proxy (nginx...) stands in front, so login rate
     * limits count the visitor's address, not the proxy's. `loopback` for a proxy on the same
     * host, a number of hops, or addresses. Default: off (the socket's address counts).
     */
    POLLEN_TRUST_PROXY: z
      .string()
      .trim()
      .optional()
      .refine(
        (v) => v === undefined || v === '' || /^(true|false|\d+)$/.test(v) || v.split(',').every((part) => TRUST_PROXY_ITEM.test(part.trim())),
        'must be true, false, a number of hops, or loopback / linklocal / uniquelocal / IP addresses or CIDR ranges separated by commas',
      )
      .transform((v): boolean | number | string => {
        if (v === undefined || v === '' || v === 'false') return false;
        if (v === 'true') return true;
        return /^\d+$/.test(v) ? Number(v) : v;
      }),
    /** pino log level. */
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
      .default('info'),
    /** MediaWiki API endpoint, e.g. https://wiki.example.org/api.php. Unset: start the local wiki. */
    WIKI_API_URL: optionalUrl,
    /** BotPassword user name, `User@appid`. */
    WIKI_BOT_USER: optionalText,
    /** BotPassword secret (secret). */
    WIKI_BOT_PASSWORD: optionalText,
    /** Contact put in the User-Agent, as bot etiquette asks. */
    WIKI_CONTACT: z.string().default('https://pollen.example.org/contact'),
    /** Moodle site root, e.g. https://moodle.example.org. Unset: the embedded progress store. */
    MOODLE_URL: optionalUrl,
    /** Moodle web-service token (secret). */
    MOODLE_TOKEN: optionalText,
    /** Moodle course id of the MOOC module. */
    MOODLE_COURSE_ID: z.coerce.number({ error: 'must be a Moodle course id (a positive integer)' }).int().positive('must be a Moodle course id (a positive integer)').optional(),
    /** Curriculum module -> Moodle cmid overrides: "logiciel-libre=12,donnees-ouvertes=13". */
    MOODLE_ACTIVITY_MAP: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const map = new Map<string, number>();
        for (const pair of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
          const m = /^([a-z0-9-]+)=(\d+)$/.exec(pair);
          if (!m) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" should look like slug=cmid` });
            continue;
          }
          map.set(m[1]!, Number(m[2]));
        }
        return map;
      }),
    /** SQLite file of the local store (when POLLEN_DATABASE_URL is unset). */
    POLLEN_STORE_PATH: z.string().default('var/pollen.sqlite'),
    /**
     * Where the store lives (secret: may hold a password). Unset or `sqlite:<path>`: the embedded
     * SQLite file; `postgres://user:password@host:port/db`: a PostgreSQL 15+ server shared by
     * gateway replicas and bot workers. Any other scheme is refused here, in French, without the
     * password.
     */
    POLLEN_DATABASE_URL: z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        try {
          parseStoreUrl(v, 'unused');
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /**
     * 32 random bytes in base64 or hex (secret). Set: learners' Moodle tokens are stored
     * encrypted beside their session (they survive restarts and work on every replica), and the
     * dashboard's form key is derived from it. Unset: Moodle tokens live in each process's
     * memory. A malformed value is refused, in French, without echoing it.
     */
    POLLEN_SECRET_KEY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        try {
          return parseSecretKey(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    /** How often pending notes are published in the background (once across replicas), in seconds. */
    POLLEN_NOTES_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
    /**
     * On SIGTERM the gateway stops accepting connections, answers the requests in flight for at
     * most this many seconds, gives back its notes claims and job leases, then exits.
     */
    POLLEN_DRAIN_SECONDS: z.coerce.number().int().min(0).max(600).default(25),
    /** Directory of the curriculum content. */
    POLLEN_CURRICULUM_DIR: z.string().default('course-modules'),
    /** Comma-separated API tokens for facilitators (secret). */
    POLLEN_FACILITATOR_TOKENS: tokenList,
    /** Comma-separated API tokens for admins and bots (secret). */
    POLLEN_ADMIN_TOKENS: tokenList,
    /** Lifetime of a gateway session (learner login, or facilitator/admin sign-in from a form), in minutes. */
    POLLEN_SESSION_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(120),
    /** Failed logins allowed per account (a username) within the window below. */
    POLLEN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    /**
     * Failed logins allowed per client address within the window: higher than per account, so a
     * workshop room behind one address is not locked out by a few mistypes.
     */
    POLLEN_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
    /** Window of the login rate limit, in minutes. */
    POLLEN_LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    /** Moodle service learners' tokens are requested for at /login/token.php. */
    MOODLE_LOGIN_SERVICE: z.string().trim().min(1).default('moodle_mobile_app'),
    /** A learner with no progress for this many days is flagged as stalled. */
    POLLEN_STALLED_AFTER_DAYS: z.coerce.number().int().min(1).default(14),
    /** The gateway syncs progress from Moodle every N minutes (0: never; npm run progress:sync still works). */
    POLLEN_PROGRESS_SYNC_MINUTES: z.coerce.number().int().min(0).default(15),
    /** How long the course's cmid <-> idnumber mapping is kept in the store, in minutes. */
    MOODLE_ACTIVITY_CACHE_TTL_MINUTES: z.coerce.number().int().min(0).default(24 * 60),
    /** Verified recommendations a provider needs to be listed in the directory. */
    POLLEN_DIRECTORY_MIN_RECOMMENDATIONS: z.coerce.number({ error: 'must be a whole number (1 or more)' }).int().min(1, 'must be 1 or more').default(1),
    /** `true`: the directory lists only providers whose linked learner finished the training path. */
    POLLEN_DIRECTORY_REQUIRE_TRAINING: z.enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' }).optional().transform((v) => v === 'true' || v === '1'),
    /**
     * Upstream budget (src/graphql/upstream-budget.ts): the most calls to the wiki and Moodle one
     * GraphQL request of an anonymous visitor (or a learner) may cause, counted from the query
     * before anything runs (aliases sharing a call count once, page reads once per batch of 50
     * titles). Over it: QUERY_TOO_COSTLY, and no call is made.
     */
    POLLEN_UPSTREAM_BUDGET_ANONYMOUS: z.coerce.number({ error: 'must be a whole number of upstream calls' }).int().min(1, 'must be 1 or more').default(10),
    /** The same budget for a signed-in facilitator or admin (API token or session). */
    POLLEN_UPSTREAM_BUDGET_FACILITATOR: z.coerce.number({ error: 'must be a whole number of upstream calls' }).int().min(1, 'must be 1 or more').default(100),
    /**
     * Request budget per client address (src/rate-limit.ts), a token bucket: this many requests
     * per second on average for anonymous visitors and learners (`req.ip`, so set
     * POLLEN_TRUST_PROXY behind a proxy; IPv6 counted per /64). Over it: 429 with Retry-After.
     * 0: no limit.
     */
    POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND: z.coerce.number({ error: 'must be a number of requests per second' }).min(0, 'must be 0 (no limit) or more').default(10),
    /** Requests an address may send at once before the per-second rate applies (the bucket's size). */
    POLLEN_RATE_LIMIT_ANONYMOUS_BURST: z.coerce.number({ error: 'must be a whole number of requests' }).int().min(1, 'must be 1 or more').default(100),
    /** The same rate for each signed-in facilitator or admin (per token or session, wherever they connect from); 0: no limit. */
    POLLEN_RATE_LIMIT_FACILITATOR_PER_SECOND: z.coerce.number({ error: 'must be a number of requests per second' }).min(0, 'must be 0 (no limit) or more').default(50),
    /** Bucket size of a signed-in facilitator or admin. */
    POLLEN_RATE_LIMIT_FACILITATOR_BURST: z.coerce.number({ error: 'must be a whole number of requests' }).int().min(1, 'must be 1 or more').default(500),
    /** Anonymous recommendations (and declarations) accepted per client address per hour. */
    POLLEN_DIRECTORY_RATE_LIMIT: z.coerce.number({ error: 'must be a whole number' }).int().min(1).default(5),
    /** Hours a visitor has to confirm their agenda registration from the mailed link (double opt-in). */
    POLLEN_AGENDA_CONFIRM_HOURS: z.coerce.number({ error: 'must be a whole number of hours' }).int().min(1, 'must be at least 1 hour').max(24 * 30, 'must be at most 720 hours (30 days)').default(48),
    /** Learners' own sign-up at /inscription (embedded mode; with Moodle, sign-up is Moodle's): `open` (default) or `closed`. */
    POLLEN_LEARNER_SIGNUP: z.enum(['open', 'closed'], { error: 'must be open or closed' }).default('open'),
    /** `1`: load the fictional demo data (directory...) into an empty store at start. */
    POLLEN_DEMO: z.enum(['1', '0', 'true', 'false', ''], { error: 'must be 1 or 0' }).optional().transform((v) => v === '1' || v === 'true'),
    /**
     * Learner -> wiki user overrides: "learner1=Alice Martin,bob=Bob D". Default mapping: the
     * learner's username with its first letter uppercased (MediaWiki's own normalisation).
     */
    POLLEN_WIKI_USER_MAP: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const map = new Map<string, string>();
        for (const pair of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
          const at = pair.indexOf('=');
          const username = pair.slice(0, at).trim();
          const wikiUser = pair.slice(at + 1).trim();
          if (at <= 0 || !username || !wikiUser) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" should look like username=Wiki user` });
            continue;
          }
          map.set(username, wikiUser);
        }
        return map;
      }),
    /**
     * Longest time, in seconds, a change on the wiki takes to show through the gateway's shared
     * wiki read cache: the wiki's recent changes are read this often (one API call).
     */
    POLLEN_WIKI_CACHE_STALENESS_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(1, 'must be at least 1 second').max(3600).default(10),
    /** While the wiki is unreachable, cached pages are still served (marked stale) up to this age, in seconds; 0: never. */
    POLLEN_WIKI_CACHE_MAX_STALE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(0).max(7 * 24 * 3600).default(300),
    /** Most wiki pages the read cache keeps. */
    POLLEN_WIKI_CACHE_MAX_ENTRIES: z.coerce.number({ error: 'must be a number of pages' }).int().min(1).default(10_000),
    /** Most memory the read cache's pages may take, in MB (estimated). */
    POLLEN_WIKI_CACHE_MAX_MB: z.coerce.number({ error: 'must be a number of megabytes' }).int().min(1).max(4096).default(32),
    /** Most answers the answer cache keeps (whole answers to anonymous queries, src/graphql/answer-cache); 0: no answer cache. */
    POLLEN_ANSWER_CACHE_MAX_ENTRIES: z.coerce.number({ error: 'must be a number of answers' }).int().min(0).default(5000),
    /** Most memory the answer cache's answers may take, in MB (estimated). */
    POLLEN_ANSWER_CACHE_MAX_MB: z.coerce.number({ error: 'must be a number of megabytes' }).int().min(1).max(4096).default(16),
    /**
     * How old the last read of the store's change marker may be, in milliseconds, for a cached
     * directory or agenda answer to be served: a write on any replica shows within this time; 0:
     * read before every such answer.
     */
    POLLEN_ANSWER_CACHE_STORE_CHECK_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(60_000).default(1000),
    /** The gateway's public address, e.g. https://pollen.example.org: links in the wiki's Agenda page and in e-mails. */
    POLLEN_PUBLIC_URL: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim().replace(/\/+$/, '') : v),
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://pollen.example.org' }).optional(),
    ),
    /** SMTP server mails are sent through (secret: may hold a password): smtp://user:pass@host:587 or smtps://…:465. Unset: mails wait in the outbox. */
    POLLEN_SMTP_URL: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || /^smtps?:\/\/[^/\s]+/.test(v), 'must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.org:465'),
    /** Sender of the mails, e.g. "Pollen <agenda@example.org>". */
    POLLEN_MAIL_FROM: z
      .string()
      .trim()
      .max(200)
      .refine((v) => /^[^<>@\s]+@[^<>@\s]+$/.test(v) || /^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/.test(v), 'must be an address such as agenda@example.org or "Pollen <agenda@example.org>"')
      .default('Pollen <pollen@localhost>'),
  })
  ;

/**
 * Settings that only make sense together. Checked on the raw environment, so they are reported
 * alongside type errors in one message rather than after them.
 */
export function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const has = (key: string) => (env[key] ?? '').trim() !== '';
  const problems: string[] = [];
  if (has('WIKI_API_URL')) {
    for (const key of ['WIKI_BOT_USER', 'WIKI_BOT_PASSWORD']) if (!has(key)) problems.push(`${key} is required when WIKI_API_URL is set`);
  }
  if (has('WIKI_BOT_USER') && !env.WIKI_BOT_USER!.includes('@')) {
    problems.push('WIKI_BOT_USER must be a BotPassword name such as "Robot@sync"');
  }
  if (has('MOODLE_URL')) {
    for (const key of ['MOODLE_TOKEN', 'MOODLE_COURSE_ID']) if (!has(key)) problems.push(`${key} is required when MOODLE_URL is set`);
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;
