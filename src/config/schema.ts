import { z } from 'zod';

/** Settings that are secrets: never logged, never returned, never put in an error message. */
export const SECRET_ENV_KEYS = ['WIKI_BOT_PASSWORD', 'MOODLE_TOKEN', 'POLLEN_FACILITATOR_TOKENS', 'POLLEN_ADMIN_TOKENS'] as const;

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional());

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
export const envSchema = z
  .object({
    /** Port of the GraphQL gateway. */
    PORT: z.coerce.number().int().min(1).max(65535).default(4000),
    /** Interface the gateway listens on. */
    HOST: z.string().default('127.0.0.1'),
    /** pino log level. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
    MOODLE_COURSE_ID: z.coerce.number().int().positive().optional(),
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
    /** SQLite file of the local store. */
    POLLEN_STORE_PATH: z.string().default('var/pollen.sqlite'),
    /** Directory of the curriculum content. */
    POLLEN_CURRICULUM_DIR: z.string().default('course-modules'),
    /** Comma-separated API tokens for facilitators (secret). */
    POLLEN_FACILITATOR_TOKENS: tokenList,
    /** Comma-separated API tokens for admins and bots (secret). */
    POLLEN_ADMIN_TOKENS: tokenList,
  })
  .superRefine((env, ctx) => {
    if (env.WIKI_API_URL && (!env.WIKI_BOT_USER || !env.WIKI_BOT_PASSWORD)) {
      for (const key of ['WIKI_BOT_USER', 'WIKI_BOT_PASSWORD'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when WIKI_API_URL is set' });
      }
    }
    if (env.WIKI_BOT_USER && !env.WIKI_BOT_USER.includes('@')) {
      ctx.addIssue({ code: 'custom', path: ['WIKI_BOT_USER'], message: 'must be a BotPassword name such as "Robot@sync"' });
    }
    if (env.MOODLE_URL) {
      for (const key of ['MOODLE_TOKEN', 'MOODLE_COURSE_ID'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when MOODLE_URL is set' });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;
