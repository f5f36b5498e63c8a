import type { Request } from 'express';
import type { CurriculumModule } from '../curriculum/schema.js';
import { CurriculumDataSource } from './datasources/curriculum.js';
import { MoodleDataSource, type MoodleApi } from './datasources/moodle.js';
import { WikiDataSource, type WikiApi } from './datasources/wiki.js';
import type { HealthProbe } from './health.js';

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
}

/** What every resolver receives: one data source per upstream, created for this request. */
export interface GatewayContext {
  wiki: WikiDataSource;
  moodle: MoodleDataSource | undefined;
  curriculum: CurriculumDataSource;
  deps: GatewayDeps;
  req: Request | undefined;
}

export function createContext(deps: GatewayDeps, req?: Request): GatewayContext {
  return {
    wiki: new WikiDataSource(deps.wiki),
    moodle: deps.moodle && new MoodleDataSource(deps.moodle.api, deps.moodle.courseId, deps.moodle.siteUrl),
    curriculum: new CurriculumDataSource(deps.curriculum, deps.moodleActivityMap),
    deps,
    req,
  };
}
