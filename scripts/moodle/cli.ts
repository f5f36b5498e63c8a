/**
 * `up <dir>`: installs (once) and serves a throwaway Moodle in <dir>, with a demo course and two
 * learners made by Moodle's data generator, then prints the settings as KEY=value lines. Ports:
 * POLLEN_MOODLE_PORT (Moodle) and POLLEN_MOODLE_DB_PORT (its PostgreSQL) on 127.0.0.1, else free ones.
 * `down <dir>`: stops its web server and PostgreSQL cluster and deletes <dir>.
 * Called by scripts/moodle/up.sh and down.sh.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { ADMIN_PASSWORD, provisionMoodle, readSite, runSitePhp, siteSettings, stopSite, type MoodleSite } from './site.js';

const [command, dirArg] = process.argv.slice(2);
const dir = path.resolve(dirArg ?? 'var/moodle');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function answers(site: MoodleSite): Promise<boolean> {
  try {
    return (await fetch(`${site.url}/login/index.php`, { signal: AbortSignal.timeout(5000) })).status < 500;
  } catch {
    return false;
  }
}

/** A demo course like the recorded one: two sections, pages with manual and on-view completion, two learners. */
async function demoCourse(site: MoodleSite): Promise<number> {
  const spec = {
    course: { fullname: 'MOOC Accompagner les associations', shortname: 'MOOC-ASSO' },
    sections: ['Les communs', 'Accompagner les associations'],
    modules: [
      { modname: 'page', name: 'Bienvenue', section: 1, idnumber: 'bienvenue', completion: 1 },
      { modname: 'page', name: 'Le logiciel libre', section: 1, idnumber: 'logiciel-libre', completion: 2, completionview: 1 },
      { modname: 'url', name: 'Guide pratique', section: 2, idnumber: 'guide-pratique', completion: 1, externalurl: 'https://example.org/' },
    ],
    users: [
      { username: 'learner1', password: 'Learner-pass-1', firstname: 'Camille', lastname: 'Martin', email: 'learner1@example.invalid' },
      { username: 'learner2', password: 'Learner-pass-2', firstname: 'Dominique', lastname: 'Bernard', email: 'learner2@example.invalid' },
    ],
  };
  const file = path.join(dir, 'demo-course.json');
  await writeFile(file, JSON.stringify(spec));
  const out = JSON.parse((await runSitePhp(site, 'generate.php', [file])).trim().split('\n').at(-1) ?? '{}') as { courseId: number };
  await writeFile(path.join(dir, 'course-id'), String(out.courseId));
  return out.courseId;
}

/** A port setting: unset, or a number from 1 to 65535 that nothing listens on yet. */
async function portSetting(name: string): Promise<number | undefined> {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} : donnez un numéro de port entre 1 et 65535.`);
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) throw new Error(`${name}=${port} : ce port est déjà pris sur 127.0.0.1 ; choisissez-en un autre.`);
  return port;
}

async function up(): Promise<void> {
  let site = await readSite(dir);
  if (site && (await answers(site))) {
    log(`The local Moodle is already running at ${site.url}`);
  } else {
    if (site) throw new Error(`${dir} holds a Moodle that does not answer: run scripts/moodle/down.sh first`);
    const port = await portSetting('POLLEN_MOODLE_PORT');
    const dbPort = await portSetting('POLLEN_MOODLE_DB_PORT');
    site = await provisionMoodle({ root: dir, log, port, dbPort });
    await demoCourse(site);
    log(`The local Moodle is running at ${site.url} (admin / ${ADMIN_PASSWORD}; learners learner1 / Learner-pass-1, learner2 / Learner-pass-2)`);
  }
  const courseFile = path.join(dir, 'course-id');
  const courseId = existsSync(courseFile) ? Number((await import('node:fs')).readFileSync(courseFile, 'utf8')) : undefined;
  process.stdout.write(`${siteSettings(site, courseId)}\n`);
}

async function down(): Promise<void> {
  await stopSite(dir);
  log(`The local Moodle in ${dir} is stopped and removed`);
}

try {
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else {
    log('usage: cli.ts up|down [dir]');
    process.exitCode = 2;
  }
} catch (err) {
  log(`moodle:${command ?? ''} : ${(err as Error).message}`);
  process.exitCode = 1;
}
