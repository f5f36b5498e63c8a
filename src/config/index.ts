import { parseStoreUrl, redactUrl, type StoreLocation } from './store-url.js';
import { crossFieldProblems, envSchema, type Env } from './schema.js';

export interface WikiConfig {
  apiUrl: string;
  botUser: string;
  botPassword: string;
  contact: string;
}

export interface MoodleConfig {
  url: string;
  token: string;
  courseId: number;
}

export interface Config {
  port: number;
  host: string;
  /** Express `trust proxy` (false: the socket address is the client's). */
  trustProxy: boolean | number | string;
  logLevel: Env['LOG_LEVEL'];
  /** Undefined: no wiki configured, `npm start` brings up the local one. */
  wiki: WikiConfig | undefined;
  wikiContact: string;
  /** Undefined: the embedded progress store stands in for Moodle. */
  moodle: MoodleConfig | undefined;
  /** slug -> cmid, overriding the curriculum files' Moodle mapping. */
  moodleActivityMap: ReadonlyMap<string, number>;
  storePath: string;
  /** Where the store lives: the SQLite file (default storePath) or a PostgreSQL server. */
  store: StoreLocation;
  /** Background notes publishing interval. */
  notesIntervalSeconds: number;
  /** POLLEN_DRAIN_SECONDS: how long a stopping gateway answers the requests in flight. */
  drainSeconds: number;
  curriculumDir: string;
  facilitatorTokens: string[];
  adminTokens: string[];
  auth: AuthConfig;
  progress: ProgressConfig;
  wikiCache: WikiCacheConfig;
  /** Whole answers to anonymous queries (src/graphql/answer-cache); maxEntries 0: off. */
  answerCache: { maxEntries: number; maxBytes: number; storeCheckMs: number };
  directory: DirectoryConfig;
  /** POLLEN_AGENDA_CONFIRM_HOURS: how long a visitor's mailed confirmation link is valid. */
  agenda: { confirmHours: number };
  /** Upstream calls per GraphQL request, by who asks (src/graphql/upstream-budget.ts). */
  upstreamBudget: { anonymous: number; facilitator: number };
  /** Requests per client address, or per signed-in facilitator (src/rate-limit.ts); perSecond 0: no limit. */
  rateLimit: { anonymous: { perSecond: number; burst: number }; facilitator: { perSecond: number; burst: number } };
  /** POLLEN_DEMO: load the fictional demo data into an empty store. */
  demo: boolean;
  /** POLLEN_LEARNER_SIGNUP: whether learners may create their own account at /inscription (embedded mode). */
  learnerSignup: 'open' | 'closed';
  /** POLLEN_SECRET_KEY, 32 bytes (secret); undefined when unset. */
  secretKey: Buffer | undefined;
  /** POLLEN_PUBLIC_URL, without a trailing slash: the gateway as people reach it. */
  publicUrl: string | undefined;
  /** E-mail (src/mail): the SMTP server (secret), undefined to keep mails in the outbox; the sender. */
  mail: { smtpUrl: string | undefined; from: string };
}

/** The gateway's shared wiki read cache (src/wiki/read-cache.ts). */
export interface WikiCacheConfig {
  stalenessSeconds: number;
  maxStaleSeconds: number;
  maxEntries: number;
  maxBytes: number;
}

/** Directory of recommended providers settings (src/directory). */
export interface DirectoryConfig {
  minRecommendations: number;
  requireTraining: boolean;
  /** Anonymous submissions per client address per hour. */
  rateLimitPerHour: number;
}

/** Sign-in settings (src/auth). */
export interface AuthConfig {
  sessionTtlMinutes: number;
  loginMaxFailures: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  /** Moodle service learners' tokens are requested for. */
  moodleLoginService: string;
}

/** Progress tracker settings (src/progress). */
export interface ProgressConfig {
  stalledAfterDays: number;
  activityCacheTtlMinutes: number;
  /** The gateway's own sync interval, minutes; 0 = off. */
  syncIntervalMinutes: number;
  /** Moodle/local username -> wiki user name overrides. */
  wikiUserMap: ReadonlyMap<string, string>;
}

/** Start-up stops with this: one line per bad setting, no values (they may be secrets). */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'} ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.POLLEN_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    wiki:
      e.WIKI_API_URL && e.WIKI_BOT_USER && e.WIKI_BOT_PASSWORD
        ? { apiUrl: e.WIKI_API_URL, botUser: e.WIKI_BOT_USER, botPassword: e.WIKI_BOT_PASSWORD, contact: e.WIKI_CONTACT }
        : undefined,
    wikiContact: e.WIKI_CONTACT,
    moodle:
      e.MOODLE_URL && e.MOODLE_TOKEN && e.MOODLE_COURSE_ID
        ? { url: e.MOODLE_URL.replace(/\/+$/, ''), token: e.MOODLE_TOKEN, courseId: e.MOODLE_COURSE_ID }
        : undefined,
    moodleActivityMap: e.MOODLE_ACTIVITY_MAP,
    storePath: e.POLLEN_STORE_PATH,
    store: parseStoreUrl(e.POLLEN_DATABASE_URL, e.POLLEN_STORE_PATH),
    notesIntervalSeconds: e.POLLEN_NOTES_INTERVAL_SECONDS,
    drainSeconds: e.POLLEN_DRAIN_SECONDS,
    curriculumDir: e.POLLEN_CURRICULUM_DIR,
    facilitatorTokens: e.POLLEN_FACILITATOR_TOKENS,
    adminTokens: e.POLLEN_ADMIN_TOKENS,
    auth: {
      sessionTtlMinutes: e.POLLEN_SESSION_TTL_MINUTES,
      loginMaxFailures: e.POLLEN_LOGIN_MAX_FAILURES,
      loginMaxFailuresPerAddress: e.POLLEN_LOGIN_MAX_FAILURES_PER_ADDRESS,
      loginWindowMinutes: e.POLLEN_LOGIN_WINDOW_MINUTES,
      moodleLoginService: e.MOODLE_LOGIN_SERVICE,
    },
    wikiCache: {
      stalenessSeconds: e.POLLEN_WIKI_CACHE_STALENESS_SECONDS,
      maxStaleSeconds: e.POLLEN_WIKI_CACHE_MAX_STALE_SECONDS,
      maxEntries: e.POLLEN_WIKI_CACHE_MAX_ENTRIES,
      maxBytes: e.POLLEN_WIKI_CACHE_MAX_MB * 1024 * 1024,
    },
    answerCache: {
      maxEntries: e.POLLEN_ANSWER_CACHE_MAX_ENTRIES,
      maxBytes: e.POLLEN_ANSWER_CACHE_MAX_MB * 1024 * 1024,
      storeCheckMs: e.POLLEN_ANSWER_CACHE_STORE_CHECK_MS,
    },
    progress: {
      stalledAfterDays: e.POLLEN_STALLED_AFTER_DAYS,
      activityCacheTtlMinutes: e.MOODLE_ACTIVITY_CACHE_TTL_MINUTES,
      syncIntervalMinutes: e.POLLEN_PROGRESS_SYNC_MINUTES,
      wikiUserMap: e.POLLEN_WIKI_USER_MAP,
    },
    directory: {
      minRecommendations: e.POLLEN_DIRECTORY_MIN_RECOMMENDATIONS,
      requireTraining: e.POLLEN_DIRECTORY_REQUIRE_TRAINING,
      rateLimitPerHour: e.POLLEN_DIRECTORY_RATE_LIMIT,
    },
    agenda: { confirmHours: e.POLLEN_AGENDA_CONFIRM_HOURS },
    upstreamBudget: { anonymous: e.POLLEN_UPSTREAM_BUDGET_ANONYMOUS, facilitator: e.POLLEN_UPSTREAM_BUDGET_FACILITATOR },
    rateLimit: {
      anonymous: { perSecond: e.POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND, burst: e.POLLEN_RATE_LIMIT_ANONYMOUS_BURST },
      facilitator: { perSecond: e.POLLEN_RATE_LIMIT_FACILITATOR_PER_SECOND, burst: e.POLLEN_RATE_LIMIT_FACILITATOR_BURST },
    },
    demo: e.POLLEN_DEMO,
    learnerSignup: e.POLLEN_LEARNER_SIGNUP,
    secretKey: e.POLLEN_SECRET_KEY,
    publicUrl: e.POLLEN_PUBLIC_URL,
    mail: { smtpUrl: e.POLLEN_SMTP_URL, from: e.POLLEN_MAIL_FROM },
  };
}

/** The configuration as it may be shown: every secret replaced. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    wiki: config.wiki && { ...config.wiki, botPassword: '[redacted]' },
    moodle: config.moodle && { ...config.moodle, token: '[redacted]' },
    facilitatorTokens: `[${config.facilitatorTokens.length} redacted]`,
    adminTokens: `[${config.adminTokens.length} redacted]`,
    secretKey: config.secretKey ? '[redacted]' : 'unset',
    store: config.store.kind === 'sqlite' ? config.store : { kind: 'postgres', url: redactUrl(config.store.url) },
    mail: { ...config.mail, smtpUrl: config.mail.smtpUrl && '[redacted]' },
  };
}
