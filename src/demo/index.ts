/**
 * POLLEN_DEMO=1: fictional demo data loaded at start into an empty store, so a fresh machine
 * shows a populated gateway. Each concept adds one loader to the list; a loader does nothing
 * when its data is already there.
 */
import type { AgendaService } from '../agenda/service.js';
import type { DirectoryService } from '../directory/service.js';
import { loadLearnerDemo } from '../learner/demo.js';
import type { Logger } from '../log.js';
import type { ProgressTracker } from '../progress/tracker.js';
import type { SoftwareNeedsService } from '../software-needs/service.js';
import type { StoreDb } from '../store/database.js';
import { loadAgendaDemo } from './agenda.js';
import { loadDirectoryDemo } from './directory.js';
import { loadSoftwareNeedsDemo } from './software-needs.js';
import type { MatchmakingService } from '../matchmaking/service.js';
import type { ProjectService } from '../matchmaking/projects/service.js';
import { loadProjectsDemo } from '../matchmaking/projects/demo.js';

export interface DemoContext {
  database: StoreDb;
  directory?: DirectoryService | undefined;
  agenda?: AgendaService | undefined;
  /** Embedded progress: the learner space's fictional learners, their completions and quiz attempts. */
  tracker?: ProgressTracker | undefined;
  /** Needed software proposed by associations (src/software-needs). */
  softwareNeeds?: SoftwareNeedsService | undefined;
  logger?: Logger | undefined;
  /** Needs diagnostics and accompaniment projects (src/matchmaking). */
  matchmaking?: MatchmakingService | undefined;
  projects?: ProjectService | undefined;
}

/** A loader: returns a one-line French summary of what it loaded (or that it left things as they were). */
export type DemoLoader = (ctx: DemoContext) => Promise<string>;

export const demoLoaders: DemoLoader[] = [loadDirectoryDemo, async (ctx) => (ctx.agenda ? loadAgendaDemo(ctx.agenda) : 'Démo : pas d’agenda sur ce serveur.'),
  async (ctx) => (ctx.tracker ? loadLearnerDemo(ctx.database, ctx.tracker) : 'Démo : pas de suivi des apprenant·es sur ce serveur.'),
  async (ctx) => (ctx.softwareNeeds ? loadSoftwareNeedsDemo(ctx.softwareNeeds) : 'Démo : pas de besoins logiciels sur ce serveur.'),
  // After the directory's: the projects are with its listed structures.
  loadProjectsDemo];

export async function loadDemo(ctx: DemoContext): Promise<string[]> {
  const lines: string[] = [];
  for (const load of demoLoaders) {
    const line = await load(ctx);
    ctx.logger?.info(line);
    lines.push(line);
  }
  return lines;
}
