import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';

export interface QueryLimits {
  /** Deepest allowed field nesting (the top-level field is depth 1). */
  maxDepth: number;
  /**
   * Deepest allowed nesting below an introspection field (`__schema`, `__type`): GraphiQL's and
   * graphql-js's own introspection query reaches 15 (nine levels of `ofType`).
   */
  maxIntrospectionDepth: number;
  /** Largest allowed estimated cost (each field 1, multiplied by the size of the lists above it). */
  maxCost: number;
  /** Size assumed for a list whose size no argument tells. */
  defaultListSize: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 10, maxIntrospectionDepth: 15, maxCost: 20_000, defaultListSize: 20 };

/** Arguments whose value bounds the length of the list a field returns. */
const SIZE_ARGUMENTS = ['limit', 'first', 'titles'];

/**
 * The bound a field's size argument gives (`first: 50`, a variable, or the argument's default in
 * the schema when the query leaves it out); undefined when the field has no such argument.
 */
function listSize(field: FieldNode, fieldDef: GraphQLField<unknown, unknown> | undefined, variables: Record<string, unknown>, usage: { variableSized: boolean }): number | undefined {
  for (const arg of field.arguments ?? []) {
    if (!SIZE_ARGUMENTS.includes(arg.name.value)) continue;
    const v = arg.value;
    if (v.kind === Kind.INT) return Number(v.value);
    if (v.kind === Kind.LIST) return v.values.length;
    if (v.kind === Kind.VARIABLE) {
      usage.variableSized = true;
      const value = variables[v.name.value];
      if (typeof value === 'number') return value;
      if (Array.isArray(value)) return value.length;
    }
  }
  const byDefault = fieldDef?.args.find((a) => SIZE_ARGUMENTS.includes(a.name) && typeof a.defaultValue === 'number');
  return byDefault ? (byDefault.defaultValue as number) : undefined;
}

function fieldsOf(type: GraphQLCompositeType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields();
  return undefined;
}

/** The definition of a selected field, introspection's meta fields included. */
function fieldDefinition(schema: GraphQLSchema, type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && type === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && type === schema.getQueryType()) return TypeMetaFieldDef;
  return fieldsOf(type)?.[name];
}

/** What one selection set weighs, measured from where it starts (depth 0, multiplier 1). */
interface SetMeasure {
  /** Levels of ordinary fields below this set. */
  depth: number;
  /** Levels below this set on paths through an introspection field (`__schema`, `__type`). */
  introspectionDepth: number;
  /** Cost with a multiplier of 1: a set's cost scales with the multiplier above it. */
  cost: number;
}

/** Thrown out of the walk as soon as the cost is known to be over the limit. */
class CostExceeded {
  constructor(readonly cost: number) {}
}

/**
 * Depth and estimated cost of the operation(s) in `document`, walking the AST and following
 * fragments. A plain walk, not a validation rule: it runs on every request (list sizes may come
 * from variables), so it must not re-run graphql's visitor machinery.
 *
 * Each fragment definition is measured once and its measure reused wherever it is spread: a
 * set's depth adds to the depth above it and its cost scales with the lists above it, so the
 * measure of `...F` does not depend on where F is spread. The walk is linear in the document's
 * size, even for fragments spreading each other twice per level (2^N fields from N lines).
 * Every list counts at least 1 element, so a partial cost never exceeds the whole: the walk
 * stops as soon as the cost passes `maxCost` (the cost reported is then a lower bound).
 * Fields under `__schema` and `__type` count towards `introspectionDepth` (their own limit),
 * with no list multiplication (the schema is in memory); `__typename` costs nothing.
 *
 * `onFragmentMeasured`, if given, is called each time a fragment definition is measured.
 */
export function measureQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
  operationName?: string | null,
  onFragmentMeasured?: (name: string) => void,
): QueryMeasure {
  const usage = { variableSized: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  // Keyed by name and by whether it is spread under introspection (measured differently).
  const measured = new Map<string, SetMeasure | 'in progress'>();
  const none: SetMeasure = { depth: 0, introspectionDepth: 0, cost: 0 };

  // `pageSize`: the size argument of the connection this set belongs to (`providers(first: 50)
  // { edges { ... } }`): its lists with no size argument of their own hold that many items.
  const measureSet = (set: SelectionSetNode, type: GraphQLCompositeType, introspecting: boolean, pageSize?: number): SetMeasure => {
    let depth = 0;
    let introspectionDepth = 0;
    let cost = 0;
    const add = (sub: SetMeasure, levels: number, factor: number, intoIntrospection: boolean) => {
      if (intoIntrospection) introspectionDepth = Math.max(introspectionDepth, levels + Math.max(sub.depth, sub.introspectionDepth));
      else {
        depth = Math.max(depth, levels + sub.depth);
        if (sub.introspectionDepth > 0) introspectionDepth = Math.max(introspectionDepth, levels + sub.introspectionDepth);
      }
      cost += factor * sub.cost;
      if (cost > limits.maxCost) throw new CostExceeded(cost);
    };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name === '__typename') continue;
        const fieldDef = fieldDefinition(schema, type, name);
        const meta = name === SchemaMetaFieldDef.name || name === TypeMetaFieldDef.name;
        const inIntrospection = introspecting || meta;
        const named = fieldDef ? getNamedType(fieldDef.type) : undefined;
        let sub = none;
        let factor = 1;
        if (named && sel.selectionSet && isCompositeType(named)) {
          const outType: GraphQLOutputType = getNullableType(fieldDef!.type);
          const size = inIntrospection ? undefined : listSize(sel, fieldDef, variables, usage);
          if (!inIntrospection && isListType(outType)) {
            factor = Math.max(1, size ?? pageSize ?? limits.defaultListSize);
            sub = measureSet(sel.selectionSet, named, inIntrospection);
          } else {
            sub = measureSet(sel.selectionSet, named, inIntrospection, size);
          }
        }
        cost += 1;
        add(sub, 1, factor, inIntrospection);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        add(measureSet(sel.selectionSet, cond && isCompositeType(cond) ? cond : type, introspecting, pageSize), 0, 1, introspecting);
      } else {
        const frag = fragments.get(sel.name.value);
        if (!frag) continue;
        const key = `${introspecting ? 'i:' : ''}${pageSize ?? ''}:${sel.name.value}`;
        let known = measured.get(key);
        if (known === 'in progress') continue; // a cycle: reported by validation, never executed
        if (!known) {
          measured.set(key, 'in progress');
          onFragmentMeasured?.(sel.name.value);
          const cond = schema.getType(frag.typeCondition.name.value);
          known = measureSet(frag.selectionSet, cond && isCompositeType(cond) ? cond : type, introspecting, pageSize);
          measured.set(key, known);
        }
        add(known, 0, 1, introspecting);
      }
    }
    return { depth, introspectionDepth, cost };
  };

  let depth = 0;
  let introspectionDepth = 0;
  let cost = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && def.name?.value !== operationName) continue;
    const root =
      def.operation === 'query' ? schema.getQueryType() : def.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) continue;
    try {
      const m = measureSet(def.selectionSet, root, false);
      depth = Math.max(depth, m.depth);
      introspectionDepth = Math.max(introspectionDepth, m.introspectionDepth);
      cost = Math.max(cost, m.cost);
    } catch (err) {
      if (!(err instanceof CostExceeded)) throw err;
      return { depth, introspectionDepth, cost: err.cost, costIsLowerBound: true, variableSized: usage.variableSized };
    }
  }
  return { depth, introspectionDepth, cost, costIsLowerBound: false, variableSized: usage.variableSized };
}

export interface QueryMeasure {
  depth: number;
  /** Deepest path through `__schema` or `__type`, counted from the operation's root. */
  introspectionDepth: number;
  cost: number;
  /** The walk stopped once the cost passed the limit: the real cost is at least `cost`. */
  costIsLowerBound: boolean;
  /** A list size came from a variable: the cost holds for these variables only. */
  variableSized: boolean;
}

/** The errors a measured query earns, if any; each carries `extensions.code`. */
export function limitErrors(measured: Pick<QueryMeasure, 'depth' | 'cost'> & Partial<QueryMeasure>, limits: QueryLimits): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if ((measured.introspectionDepth ?? 0) > limits.maxIntrospectionDepth) {
    errors.push(
      new GraphQLError(
        `L’introspection demandée a ${measured.introspectionDepth} niveaux d’imbrication ; la limite est ${limits.maxIntrospectionDepth} (celle de la requête d’introspection de GraphiQL). Demandez moins de niveaux de « ofType ».`,
        { extensions: { code: 'QUERY_TOO_DEEP', depth: measured.introspectionDepth, maxDepth: limits.maxIntrospectionDepth, introspection: true, http: { status: 400 } } },
      ),
    );
  }
  if (measured.depth > limits.maxDepth) {
    errors.push(
      new GraphQLError(`La requête a ${measured.depth} niveaux d’imbrication ; la limite est ${limits.maxDepth}. Demandez moins de champs imbriqués.`, {
        extensions: { code: 'QUERY_TOO_DEEP', depth: measured.depth, maxDepth: limits.maxDepth, http: { status: 400 } },
      }),
    );
  }
  if (measured.cost > limits.maxCost) {
    errors.push(
      new GraphQLError(`La requête coûte ${measured.costIsLowerBound ? 'au moins ' : ''}${measured.cost}, au-delà de la limite de ${limits.maxCost}. Demandez moins d’éléments ou moins de champs.`, {
        extensions: { code: 'QUERY_TOO_COSTLY', cost: measured.cost, maxCost: limits.maxCost, http: { status: 400 } },
      }),
    );
  }
  return errors;
}

/**
 * Apollo plugin applying the limits once the operation is known, so list sizes given as
 * variables count too. A rejected query answers HTTP 400 with the rule's error code.
 */
export function queryLimitsPlugin(limits: QueryLimits = defaultQueryLimits): ApolloServerPlugin {
  // Apollo keeps one parsed and validated DocumentNode per query text (its document store), so
  // a document's measure is computed once, keyed by that node and the operation chosen, unless
  // its list sizes come from variables. The WeakMap lets evicted documents go.
  const measured = new WeakMap<DocumentNode, Map<string, QueryMeasure>>();
  const measureOnce = (schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | null): QueryMeasure => {
    let byOperation = measured.get(document);
    const known = byOperation?.get(operationName ?? '');
    if (known && !known.variableSized) return known;
    const measure = measureQuery(schema, document, variables, limits, operationName);
    if (!byOperation) measured.set(document, (byOperation = new Map()));
    byOperation.set(operationName ?? '', measure);
    return measure;
  };
  // Stateless hooks: one object for every request.
  const hooks = {
    async didResolveOperation({ document, request, schema, operationName }: { document: DocumentNode; request: { variables?: Record<string, unknown> }; schema: GraphQLSchema; operationName: string | null }) {
      const [first] = limitErrors(measureOnce(schema, document, request.variables ?? {}, operationName), limits);
      if (first) throw first;
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
