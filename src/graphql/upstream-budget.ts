import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Role } from '../auth/viewer.js';
import { frenchNumber } from '../text/french.js';

/**
 * How many HTTP calls to the wiki or Moodle one request may cause, by who asks. Checked
 * statically, from the document and its variables, before any resolver runs: a request over its
 * budget makes no upstream call at all.
 */
export interface UpstreamBudget {
  /** Anonymous visitors and learners (POLLEN_UPSTREAM_BUDGET_ANONYMOUS). */
  anonymous: number;
  /** Signed-in facilitators and admins (POLLEN_UPSTREAM_BUDGET_FACILITATOR). */
  facilitator: number;
  /** Moodle is configured: course fields reach it (without it they read the embedded store). */
  moodle: boolean;
}

export const defaultUpstreamBudget: UpstreamBudget = { anonymous: 10, facilitator: 100, moodle: false };

/** Titles one wiki API call reads (MediaWiki's limit for an ordinary account; a bot with apihighlimits reads 500). */
const TITLES_PER_CALL = 50;
/** List size assumed when no argument tells it (as the query limits do). */
const DEFAULT_LIST_SIZE = 20;
/** Arguments whose value bounds the length of the list a field returns. */
const SIZE_ARGUMENTS = ['limit', 'first', 'titles'];
/**
 * Fields (with fragments expanded) walked at most: a document the depth and cost limits accept
 * has fewer (each field adds at least 1 to its cost, limit 20,000), so only an abusive document
 * (fragment doubling) reaches it, and is refused without being walked further.
 */
const MAX_VISITS = 50_000;

/**
 * What reaching the wiki or Moodle costs, per schema field (`Type.field`), in upstream calls.
 * Fields not listed make no upstream call (curriculum, store). The data sources
 * (src/graphql/datasources/) batch and deduplicate to match:
 * - `pages`: a page read through the request's DataLoader. Every page asked for at the same
 *   level of the query goes in one batch, read `TITLES_PER_CALL` titles per call; `titles` says
 *   how many titles one occurrence asks (an argument's list, one, or one per item of the lists
 *   above it).
 * - `call`: one call per distinct value of `dedupeBy` (the data source keeps one promise per
 *   value): `[]` means every alias shares one call (recentChanges fetches the largest limit once
 *   and each alias gets its slice; search fetches each text once with the largest limit).
 *   `pages` adds the page batch its members are read in.
 * - `once`: once per request however often asked (Moodle's course, the health probes).
 * - `each`: every occurrence calls (mutations, which run one after another and are not shared).
 */
export type UpstreamCost =
  | { kind: 'pages'; titles: 'one' | 'perItem' | { listArgument: string } }
  | { kind: 'call'; dedupeBy: readonly string[]; pages?: { sizeArgument: string } }
  | { kind: 'once'; key: string; calls: (budget: UpstreamBudget) => number }
  | { kind: 'each'; calls: number };

export const UPSTREAM_COSTS: Readonly<Record<string, UpstreamCost>> = {
  'Query.wikiPage': { kind: 'pages', titles: 'one' },
  'Query.wikiPages': { kind: 'pages', titles: { listArgument: 'titles' } },
  'CurriculumModule.wikiPage': { kind: 'pages', titles: 'perItem' },
  'WikiSearchHit.page': { kind: 'pages', titles: 'perItem' },
  'Query.recentChanges': { kind: 'call', dedupeBy: [] },
  'Query.search': { kind: 'call', dedupeBy: ['text'] },
  // The members' list, then their pages: counted on the category, whose limit sizes both.
  'Query.category': { kind: 'call', dedupeBy: ['name', 'limit'], pages: { sizeArgument: 'limit' } },
  // A wiki siteinfo request, and Moodle's site info and course when Moodle is configured.
  'Query.health': { kind: 'once', key: 'health', calls: (b) => 1 + (b.moodle ? 2 : 0) },
  // Course, contents and activity idnumbers, fetched once per request.
  'Query.course': { kind: 'once', key: 'moodle.course', calls: (b) => (b.moodle ? 3 : 0) },
  'CurriculumModule.moodleActivity': { kind: 'once', key: 'moodle.course', calls: (b) => (b.moodle ? 3 : 0) },
  // The course's suspended enrolments, read once per request when asked.
  'Cohort.suspendedLearners': { kind: 'once', key: 'moodle.suspended', calls: (b) => (b.moodle ? 1 : 0) },
  // Mutations, as upper bounds: Moodle's token and site info for a learner's sign-in (none in
  // embedded mode, counted anyway), a note's page read, preview and edit, a completion, a sync.
  'Mutation.login': { kind: 'each', calls: 2 },
  'Mutation.submitNote': { kind: 'each', calls: 3 },
  'Mutation.markModuleDone': { kind: 'each', calls: 1 },
  'Mutation.syncProgress': { kind: 'each', calls: 3 },
};

export interface UpstreamMeasure {
  /** Upstream calls the operation may cause, at most. */
  calls: number;
  /** The walk stopped at MAX_VISITS fields: the document is refused whatever its calls. */
  tooLarge: boolean;
}

function fieldsOf(type: GraphQLCompositeType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
}

function argumentValues(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const arg of field.arguments ?? []) values[arg.name.value] = valueFromASTUntyped(arg.value as ValueNode, variables);
  return values;
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
  if (Array.isArray(value)) return value.length;
  return undefined;
}

/**
 * The upstream calls of the operation chosen in `document`, with these variables: a plain walk
 * following fragments, deduplicating as the data sources do.
 */
export function measureUpstreamCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  budget: UpstreamBudget,
  operationName?: string | null,
): UpstreamMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const calls = new Set<string>();
  const once = new Map<string, number>();
  /** Titles read in page batches, by the level of the query they are asked at. */
  const titlesByLevel = new Map<number, number>();
  let each = 0;
  let visits = 0;
  const addTitles = (level: number, n: number) => titlesByLevel.set(level, (titlesByLevel.get(level) ?? 0) + Math.max(1, n));

  const walk = (set: SelectionSetNode, type: GraphQLCompositeType, level: number, items: number, seen: ReadonlySet<string>): void => {
    for (const sel of set.selections) {
      if (++visits > MAX_VISITS) return;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        walk(sel.selectionSet, cond && isCompositeType(cond) ? cond : type, level, items, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(sel.name.value)) continue; // cycles are reported by validation
        const cond = schema.getType(frag.typeCondition.name.value);
        walk(frag.selectionSet, cond && isCompositeType(cond) ? cond : type, level, items, new Set([...seen, sel.name.value]));
        continue;
      }
      if (sel.name.value.startsWith('__')) continue;
      const fieldDef = fieldsOf(type)?.[sel.name.value];
      if (!fieldDef) continue;
      const cost = UPSTREAM_COSTS[`${type.name}.${sel.name.value}`];
      const needsArgs = cost !== undefined || isListType(getNullableType(fieldDef.type));
      const args = needsArgs ? argumentValues(sel, variables) : {};
      if (cost?.kind === 'pages') {
        const titles = cost.titles === 'one' ? 1 : cost.titles === 'perItem' ? items : sizeOf(args[cost.titles.listArgument]) ?? DEFAULT_LIST_SIZE;
        addTitles(level, titles);
      } else if (cost?.kind === 'call') {
        const key = cost.dedupeBy.map((name) => {
          const value = args[name];
          return JSON.stringify(typeof value === 'string' ? value.trim() : value ?? null);
        });
        calls.add(`${type.name}.${sel.name.value}(${key.join(',')})`);
        if (cost.pages) addTitles(level + 1, sizeOf(args[cost.pages.sizeArgument]) ?? DEFAULT_LIST_SIZE);
      } else if (cost?.kind === 'once') {
        once.set(cost.key, cost.calls(budget));
      } else if (cost?.kind === 'each') {
        each += cost.calls;
      }
      if (!sel.selectionSet) continue;
      const named = getNamedType(fieldDef.type);
      if (!isCompositeType(named)) continue;
      const listed = isListType(getNullableType(fieldDef.type));
      const size = listed ? SIZE_ARGUMENTS.map((name) => sizeOf(args[name])).find((n) => n !== undefined) ?? DEFAULT_LIST_SIZE : 1;
      walk(sel.selectionSet, named, level + 1, items * size, seen);
    }
  };

  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && def.name?.value !== operationName) continue;
    const root = def.operation === 'query' ? schema.getQueryType() : def.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (root) walk(def.selectionSet, root, 0, 1, new Set());
    break;
  }
  let total = calls.size + each;
  for (const n of once.values()) total += n;
  for (const titles of titlesByLevel.values()) total += Math.ceil(titles / TITLES_PER_CALL);
  return { calls: total, tooLarge: visits > MAX_VISITS };
}

/** The cap that applies to this role. */
export function capFor(role: Role, budget: UpstreamBudget): number {
  return role === 'facilitator' || role === 'admin' ? budget.facilitator : budget.anonymous;
}

/** QUERY_TOO_COSTLY for a request over its upstream budget, in French. */
export function upstreamBudgetError(measure: UpstreamMeasure, cap: number, role: Role): GraphQLError {
  const signedIn = role === 'facilitator' || role === 'admin';
  const message = measure.tooLarge
    ? `La requête demande plus de ${frenchNumber(MAX_VISITS)} champs une fois ses fragments dépliés : elle est refusée sans être lue plus loin. Demandez moins de champs.`
    : `La requête demanderait jusqu’à ${measure.calls} appels au wiki ou à Moodle ; la limite est de ${cap} par requête ${signedIn ? 'pour les animateur·rices' : 'sans connexion d’animateur·rice'}. ` +
      'Regroupez les alias (mêmes arguments), demandez moins de recherches ou de catégories, ou envoyez plusieurs requêtes.';
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COSTLY', reason: 'UPSTREAM_BUDGET', upstreamCalls: measure.calls, maxUpstreamCalls: cap, http: { status: 400 } },
  });
}

interface BudgetRequestContext {
  document: DocumentNode;
  request: { variables?: Record<string, unknown> };
  schema: GraphQLSchema;
  operationName: string | null;
  contextValue: { viewer?: { role: Role } };
}

/**
 * Apollo plugin refusing, once the operation is known (its variables too) and before anything
 * is executed, a request whose upstream calls would exceed the caller's budget.
 */
export function upstreamBudgetPlugin(budget: UpstreamBudget = defaultUpstreamBudget): ApolloServerPlugin<{ viewer: { role: Role } }> {
  // Measures of documents without variables, kept with the document Apollo keeps (its store).
  const known = new WeakMap<DocumentNode, Map<string, UpstreamMeasure>>();
  const measure = ({ document, request, schema, operationName }: BudgetRequestContext): UpstreamMeasure => {
    const variables = request.variables ?? {};
    const constant = Object.keys(variables).length === 0;
    const cached = constant ? known.get(document)?.get(operationName ?? '') : undefined;
    if (cached) return cached;
    const measured = measureUpstreamCalls(schema, document, variables, budget, operationName);
    if (constant) {
      let byOperation = known.get(document);
      if (!byOperation) known.set(document, (byOperation = new Map()));
      byOperation.set(operationName ?? '', measured);
    }
    return measured;
  };
  const hooks = {
    async didResolveOperation(context: BudgetRequestContext) {
      const role = context.contextValue.viewer?.role ?? 'anonymous';
      const cap = capFor(role, budget);
      const measured = measure(context);
      if (measured.tooLarge || measured.calls > cap) throw upstreamBudgetError(measured, cap, role);
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
