import type { Request, Response } from 'express';
import type { MatchmakingService } from '../matchmaking/service.js';
import type { ProjectService } from '../matchmaking/projects/service.js';
import type { AgendaService } from '../agenda/service.js';
import { authenticateOnce } from '../auth/request-auth.js';
import type { AuthService } from '../auth/service.js';
import { ANONYMOUS, type Viewer } from '../auth/viewer.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import type { DirectoryService } from '../directory/service.js';
import type { LearnerSpace } from '../learner/service.js';
import type { NotesService } from '../notes/service.js';
import type { ProgressService } from '../progress/service.js';
import type { SoftwareNeedsService } from '../software-needs/service.js';
import { AgendaDataSource } from './datasources/agenda.js';
import { CurriculumDataSource } from './datasources/curriculum.js';
import { DirectoryDataSource } from './datasources/directory.js';
import { MoodleDataSource, type MoodleApi } from './datasources/moodle.js';
import { ProgressDataSource } from './datasources/progress.js';
import { WikiDataSource, type WikiApi } from './datasources/wiki.js';
import type { UpstreamObserver } from './errors.js';
import type { HealthProbe } from './health.js';
import { isStoreUnavailable } from '../store/database.js';
import { storeUnavailable } from './errors.js';
import type { WikiCacheStats } from '../wiki/index.js';

/** Long-lived pieces the gateway is built from; data sources are made from them per request. */
export interface GatewayDeps {
  wiki: WikiApi;
  /** Undefined: no Moodle configured; the course comes from the curriculum (embedded mode). */
  moodle: { api: MoodleApi; courseId: number; siteUrl: string } | undefined;
  curriculum: readonly CurriculumModule[];
  /** slug -> cmid overrides of the curriculum's Moodle mapping. */
  moodleActivityMap: ReadonlyMap<string, number>;
  /** Extra upstream probes for `health` (the local store, ...). */
  probes: HealthProbe[];
  /** Human description of where the wiki is ("local wiki" or its host). */
  wikiMode: string;
  /** Sign-in and sessions (src/auth). Undefined: everyone is anonymous. */
  auth?: AuthService | undefined;
  /** Learner progress (src/progress). Undefined: progress fields answer PROGRESS_UNAVAILABLE. */
  progress?: ProgressService | undefined;
  /** The notes bot (src/notes). Undefined: note fields answer NOTES_UNAVAILABLE. */
  notes?: NotesService | undefined;
  /** The shared wiki read cache when `wiki` is one: its figures go to /metrics. */
  wikiCache?: {
    readonly stats: WikiCacheStats;
    readonly lastSeenReachable?: boolean;
    /** Longest time a wiki change takes to show through it (the change feed's interval). */
    readonly maxStalenessMs?: number;
    /** Told which titles each invalidation drops: the answer cache drops the answers built from them. */
    onInvalidated?(listener: (titles: readonly string[] | 'all') => void): () => void;
  } | undefined;
  /** The directory of recommended providers (src/directory). Undefined: its fields answer DIRECTORY_UNAVAILABLE. */
  directory?: DirectoryService | undefined;
  /** Sessions and registrations (src/agenda). Undefined: agenda fields answer AGENDA_UNAVAILABLE. */
  agenda?: AgendaService | undefined;
  /** Needs diagnostics for associations (src/matchmaking). Undefined: no /diagnostic pages. */
  matchmaking?: MatchmakingService | undefined;
  /** Needed software proposed and pledged by associations (src/software-needs). Undefined: no /besoins-logiciels pages. */
  softwareNeeds?: SoftwareNeedsService | undefined;
  /** Contacts and accompaniment projects between associations and structures (src/matchmaking/projects). */
  projects?: ProjectService | undefined;
  /** The learner space's pages (src/learner): sign-up, parcours, quizzes, « Mon parcours ». Undefined: not served. */
  learnerSpace?: LearnerSpace | undefined;
}

/** What every resolver receives: one data source per upstream, created for this request. */
export interface GatewayContext {
  wiki: WikiDataSource;
  moodle: MoodleDataSource | undefined;
  curriculum: CurriculumDataSource;
  deps: GatewayDeps;
  req: Request | undefined;
  /** Set when served over HTTP: login and logout set the session cookie on it. */
  res: Response | undefined;
  /** Who is asking (from a bearer token or the pollen_session cookie); see requireRole. */
  viewer: Viewer;
  /** A token or session came with the request but matched nothing (expired, mistyped). */
  credentialRejected: boolean;
  /** Hash of the request's session, when it came with one (not with an API token). */
  sessionHash: string | null;
  progress: ProgressDataSource | undefined;
  directory: DirectoryDataSource | undefined;
  agenda: AgendaDataSource | undefined;
  /**
   * The store scopes (src/store/changes.ts) this request's resolvers reached (`directory`,
   * `agenda`, added where their resolvers take their data source): an answer kept by the answer
   * cache is dropped when one of them changes. Apollo copies the context once per operation;
   * the set is shared by the copy.
   */
  storeScopesRead: Set<string>;
}

/** The curriculum is read-only after start-up: one data source per gateway, not per request. */
const curriculumSources = new WeakMap<GatewayDeps, CurriculumDataSource>();

function curriculumSource(deps: GatewayDeps): CurriculumDataSource {
  let source = curriculumSources.get(deps);
  if (!source) curriculumSources.set(deps, (source = new CurriculumDataSource(deps.curriculum, deps.moodleActivityMap)));
  return source;
}

/** Sessions live in the store: when it is out of reach, the request fails with STORE_UNAVAILABLE. */
function storeDown(error: unknown): never {
  throw isStoreUnavailable(error) ? storeUnavailable(error) : error;
}

export async function createContext(deps: GatewayDeps, req?: Request, res?: Response, observe?: UpstreamObserver): Promise<GatewayContext> {
  const { viewer, sessionHash, credentialRejected } =
    req && deps.auth ? await authenticateOnce(deps.auth, req).catch(storeDown) : { viewer: ANONYMOUS, sessionHash: null, credentialRejected: false };
  return {
    res,
    viewer,
    credentialRejected,
    sessionHash,
    progress: deps.progress && new ProgressDataSource(deps.progress),
    directory: deps.directory && new DirectoryDataSource(deps.directory),
    agenda: deps.agenda && new AgendaDataSource(deps.agenda),
    storeScopesRead: new Set(),
    wiki: new WikiDataSource(deps.wiki, observe),
    moodle: deps.moodle && new MoodleDataSource(deps.moodle.api, deps.moodle.courseId, deps.moodle.siteUrl, observe),
    curriculum: curriculumSource(deps),
    deps,
    req,
  };
}
