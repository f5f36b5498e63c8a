import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agendaResolvers } from './resolvers/agenda.js';
import { authResolvers } from './resolvers/auth.js';
import { courseResolvers } from './resolvers/course.js';
import { curriculumResolvers } from './resolvers/curriculum.js';
import { directoryResolvers } from './resolvers/directory.js';
import { matchmakingResolvers } from './resolvers/matchmaking.js';
import { notesResolvers } from './resolvers/notes.js';
import { progressResolvers } from './resolvers/progress.js';
import { searchResolvers } from './resolvers/search.js';
import { softwareNeedsResolvers } from './resolvers/software-needs.js';
import { wikiResolvers } from './resolvers/wiki.js';

const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema');

/** The API in SDL: every `.graphql` file of src/graphql/schema, one per concept. */
export function loadTypeDefs(): string {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map((f) => readFileSync(path.join(schemaDir, f), 'utf8'))
    .join('\n');
}

type ResolverMap = Record<string, Record<string, unknown>>;

/** Merges per-concept resolver maps type by type; a field defined twice is a programming error. */
export function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged;
}

export const resolvers = mergeResolvers(
  wikiResolvers,
  searchResolvers,
  courseResolvers,
  curriculumResolvers,
  authResolvers,
  progressResolvers,
  notesResolvers,
  directoryResolvers,
  agendaResolvers,
  softwareNeedsResolvers,
  matchmakingResolvers,
);
