import { moodleSettingProblem, unknownCourseProblem } from '../moodle/settings.js';
import type { GatewayDeps } from './context.js';

export interface UpstreamStatus {
  name: string;
  ok: boolean;
  latencyMs: number | null;
  version: string | null;
  error: string | null;
  /** When not ok and a setting is to blame: which one and what to check, in French (never a secret). */
  detail: string | null;
  mode: string | null;
}

/** One upstream check: resolves with a version string, throws when the upstream is down. */
export interface HealthProbe {
  name: string;
  mode: string;
  check(): Promise<string | null>;
  /** The French sentence naming the setting to check for this failure, when one is to blame. */
  explain?(error: unknown): string | undefined;
}

const PROBE_TIMEOUT_MS = 3000;

async function runProbe(probe: HealthProbe): Promise<UpstreamStatus> {
  const started = performance.now();
  try {
    const version = await Promise.race([
      probe.check(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref()),
    ]);
    return { name: probe.name, ok: true, latencyMs: round(performance.now() - started), version, error: null, detail: null, mode: probe.mode };
  } catch (err) {
    const reason = err instanceof Error && /fetch failed|ECONNREFUSED|no answer/.test(`${err.message} ${String((err as { code?: unknown }).code)}`)
      ? 'unreachable'
      : ((err as { code?: unknown }).code as string | undefined) ?? 'error';
    const detail = probe.explain?.(err) ?? null;
    return { name: probe.name, ok: false, latencyMs: round(performance.now() - started), version: null, error: reason, detail, mode: probe.mode };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function upstreamProbes(deps: GatewayDeps): HealthProbe[] {
  const probes: HealthProbe[] = [
    {
      name: 'wiki',
      mode: deps.wikiMode,
      // A real round trip each time: siteInfo() is cached by the client.
      check: async () => {
        const answer = (await deps.wiki.request({ action: 'query', meta: 'siteinfo', siprop: 'general' })) as {
          query?: { general?: { generator?: string } };
        };
        return answer.query?.general?.generator ?? null;
      },
    },
  ];
  const moodle = deps.moodle;
  probes.push(
    moodle
      ? {
          name: 'moodle',
          mode: 'moodle',
          check: async () => {
            const release = (await moodle.api.getSiteInfo()).release;
            // A wrong MOODLE_COURSE_ID leaves Moodle unusable for Pollen: down, and say which setting.
            if (!(await moodle.api.getCourse(moodle.courseId))) {
              throw Object.assign(new Error('course not found'), { code: 'MOODLE_COURSE_ID: no such course', detail: unknownCourseProblem(moodle.courseId) });
            }
            return release;
          },
          explain: (error) =>
            (error as { detail?: string }).detail ?? moodleSettingProblem(error, { url: moodle.siteUrl, courseId: moodle.courseId }),
        }
      : { name: 'moodle', mode: 'embedded store (no Moodle configured)', check: async () => null },
  );
  probes.push({ name: 'curriculum', mode: 'files', check: async () => `${deps.curriculum.length} modules` });
  return [...probes, ...deps.probes];
}

export async function checkHealth(deps: GatewayDeps): Promise<{ ok: boolean; upstreams: UpstreamStatus[] }> {
  const upstreams = await Promise.all(upstreamProbes(deps).map(runProbe));
  return { ok: upstreams.every((u) => u.ok), upstreams };
}
