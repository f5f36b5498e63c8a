/**
 * Benchmark: syncing 500 learners against a local fake Moodle (node:http on 127.0.0.1) that
 * replays the recorded fixtures' shapes and answers each HTTP request after ~50 ms, like the real
 * Moodle measured in ../shared/docs/moodle.md. Compares the tracker's sync (batched with
 * tool_mobile_call_external_functions) with the fallback (one call per learner, 4 at a time) and
 * the naive baseline (one call per learner, sequential), in the same run.
 *
 * Run alone: `npx tsx bench/progress.ts`; `npm run bench` calls run().
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CurriculumModule } from '../src/curriculum/schema.js';
import { MoodleClient } from '../src/moodle/index.js';
import { ProgressTracker } from '../src/progress/tracker.js';
import { openPollenStore } from '../src/store-schema.js';

export const LEARNERS = Number(process.env.BENCH_PROGRESS_LEARNERS ?? 500);
const LATENCY_MS = Number(process.env.BENCH_MOODLE_LATENCY_MS ?? 50);
export const COURSE_ID = 2;
const SLUGS = ['bienvenue', 'types-associations', 'guide-pratique', 'gouvernance', 'role-du-bureau', 'diagnostic-devoir', 'quiz-final'];

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/moodle');
function fixture(name: string): { response: unknown; raw_response: string } {
  return JSON.parse(readFileSync(path.join(fixturesDir, `${name}.json`), 'utf8')) as { response: unknown; raw_response: string };
}

type Json = Record<string, unknown>;

/** The recorded answers, reshaped for N generated learners (never a shape the fixtures lack). */
function fakeAnswers(learners: number) {
  const enrolledTemplate = (fixture('core_enrol_get_enrolled_users').response as Json[])[0] as Json;
  const enrolled = JSON.stringify(
    Array.from({ length: learners }, (_, i) => ({
      ...enrolledTemplate, id: 100 + i, username: `learner${100 + i}`, firstname: 'Learner', lastname: String(100 + i),
      fullname: `Learner ${100 + i}`, email: `learner${100 + i}@example.org`, idnumber: '',
    })),
  );
  const contents = fixture('core_course_get_contents').raw_response;
  const cm = fixture('core_course_get_course_module').response as { cm: Json; warnings: unknown[] };
  const completion = fixture('core_completion_get_activities_completion_status').response as { statuses: Json[]; warnings: unknown[] };
  return {
    enrolled,
    contents,
    courseModule: (cmid: number) =>
      JSON.stringify({ ...cm, cm: { ...cm.cm, id: cmid, idnumber: cmid >= 2 && cmid <= 8 ? SLUGS[cmid - 2] : '' } }),
    // Learner i has completed the first (i mod 8) activities.
    completion: (userid: number) =>
      JSON.stringify({
        ...completion,
        statuses: completion.statuses.map((s, k) => {
          const done = k < userid % 8;
          return { ...s, state: done ? 1 : 0, timecompleted: done ? 1795417552 : 0 };
        }),
      }),
  };
}

interface FakeMoodle {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeMoodle(learners: number): Promise<FakeMoodle> {
  const answers = fakeAnswers(learners);
  const direct = (wsfunction: string | null, args: Json): string => {
    switch (wsfunction) {
      case 'core_enrol_get_enrolled_users':
        return answers.enrolled;
      case 'core_course_get_contents':
        return answers.contents;
      case 'core_course_get_course_module':
        return answers.courseModule(Number(args.cmid));
      case 'core_completion_get_activities_completion_status':
        return answers.completion(Number(args.userid));
      default:
        return JSON.stringify({ exception: 'dml_missing_record_exception', errorcode: 'invalidrecordunknown', message: "Can't find data record in database." });
    }
  };
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const wsfunction = form.get('wsfunction');
      let body: string;
      if (wsfunction === 'tool_mobile_call_external_functions') {
        const responses = [];
        for (let i = 0; form.has(`requests[${i}][function]`); i++) {
          const args = JSON.parse(form.get(`requests[${i}][arguments]`) ?? '{}') as Json;
          responses.push({ error: false, data: direct(form.get(`requests[${i}][function]`), args) });
        }
        body = JSON.stringify({ responses });
      } else {
        body = direct(wsfunction, Object.fromEntries(form));
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), LATENCY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function benchCurriculum(): CurriculumModule[] {
  return SLUGS.map((slug, i) => ({
    slug, order: i + 1, title: slug, group: 'accompagnement', summary: slug, objectives: ['a', 'b'], estimatedMinutes: 30,
    prerequisites: [], activities: [{ type: 'contribute', title: 'Contribuer', instructions: '…' }], quiz: [],
    wikiPage: `Parcours/${slug}`, moodle: { idnumber: slug }, body: '', file: `${i + 1}-${slug}.md`,
  }));
}

interface Figure {
  label: string;
  requests: number;
  ms: number;
}

async function measure(label: string, run: (url: string) => Promise<void>): Promise<Figure> {
  const moodle = await startFakeMoodle(LEARNERS);
  try {
    const started = performance.now();
    await run(moodle.url);
    return { label, requests: moodle.requests, ms: Math.round(performance.now() - started) };
  } finally {
    await moodle.close();
  }
}

/** The tracker's full sync (cold cache: the idnumber mapping is fetched too) into an in-memory store. */
async function trackerSync(url: string, batch: 'auto' | 'never'): Promise<void> {
  const store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
  const client = new MoodleClient({ url, token: 'bench-token', batch });
  const tracker = new ProgressTracker({ store, curriculum: benchCurriculum(), moodle: { client, courseId: COURSE_ID } });
  const report = await tracker.sync();
  if (report.learners !== LEARNERS) throw new Error(`synced ${report.learners} learners, expected ${LEARNERS}`);
  await store.close();
}

/** Naive baseline: the enrolled users, then one completion call per learner, one after the other. */
async function naiveSequential(url: string): Promise<void> {
  const client = new MoodleClient({ url, token: 'bench-token', batch: 'never' });
  const users = await client.getEnrolledUsers(COURSE_ID);
  for (const user of users) await client.getActivitiesCompletion(COURSE_ID, user.id);
}

export default async function run(): Promise<void> {
  console.log(`\nProgress sync: ${LEARNERS} learners, fake Moodle answering each HTTP request after ${LATENCY_MS} ms`);
  const batched = await measure('tracker sync, batched (tool_mobile_call_external_functions, 50 per request)', (url) => trackerSync(url, 'auto'));
  const concurrent = await measure('tracker sync, no batch service (one call per learner, 4 concurrent)', (url) => trackerSync(url, 'never'));
  const naive = await measure('naive baseline (one call per learner, sequential)', naiveSequential);
  for (const f of [batched, concurrent, naive]) {
    console.log(`  ${f.label.padEnd(78)} ${String(f.requests).padStart(4)} HTTP requests  ${String(f.ms).padStart(6)} ms`);
  }
  console.log(
    `  batched vs naive: ${(naive.requests / batched.requests).toFixed(1)}x fewer requests, ${(naive.ms / batched.ms).toFixed(1)}x faster; ` +
      `concurrent fallback vs naive: ${(naive.ms / concurrent.ms).toFixed(1)}x faster`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
