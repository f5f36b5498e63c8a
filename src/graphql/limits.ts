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
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';

export interface QueryLimits {
  /** Deepest allowed field nesting (the top-level field is depth 1). */
  maxDepth: number;
  /** Largest allowed estimated cost (each field 1, multiplied by the size of the lists above it). */
  maxCost: number;
  /** Size assumed for a list whose size no argument tells. */
  defaultListSize: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 10, maxCost: 20_000, defaultListSize: 20 };

/** Arguments whose value bounds the length of the list a field returns. */
const SIZE_ARGUMENTS = ['limit', 'first', 'titles'];

function listSize(field: FieldNode, variables: Record<string, unknown>, fallback: number, usage: { variableSized: boolean }): number {
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
  return fallback;
}

function fieldsOf(type: GraphQLCompositeType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields();
  return undefined;
}

/**
 * Depth and estimated cost of the operation(s) in `document`, walking the AST once and
 * following fragments. A plain walk, not a validation rule: it runs on every request (list
 * sizes may come from variables), so it must not re-run graphql's visitor machinery.
 */
export function measureQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
  operationName?: string | null,
): QueryMeasure {
  const usage = { variableSized: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }

  const walk = (
    set: SelectionSetNode,
    type: GraphQLCompositeType,
    depth: number,
    multiplier: number,
    seen: ReadonlySet<string>,
  ): { depth: number; cost: number } => {
    let deepest = depth;
    let cost = 0;
    for (const sel of set.selections) {
      let sub: { depth: number; cost: number } | undefined;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const fieldDef = fieldsOf(type)?.[sel.name.value];
        deepest = Math.max(deepest, depth + 1);
        cost += multiplier;
        if (!fieldDef || !sel.selectionSet) continue;
        const named = getNamedType(fieldDef.type);
        if (!isCompositeType(named)) continue;
        const outType: GraphQLOutputType = getNullableType(fieldDef.type);
        const childMultiplier = isListType(outType) ? multiplier * listSize(sel, variables, limits.defaultListSize, usage) : multiplier;
        sub = walk(sel.selectionSet, named, depth + 1, childMultiplier, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        sub = walk(sel.selectionSet, cond && isCompositeType(cond) ? cond : type, depth, multiplier, seen);
      } else {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(sel.name.value)) continue; // cycles are reported by validation
        const cond = schema.getType(frag.typeCondition.name.value);
        sub = walk(frag.selectionSet, cond && isCompositeType(cond) ? cond : type, depth, multiplier, new Set([...seen, sel.name.value]));
      }
      deepest = Math.max(deepest, sub.depth);
      cost += sub.cost;
    }
    return { depth: deepest, cost };
  };

  let depth = 0;
  let cost = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && def.name?.value !== operationName) continue;
    const root =
      def.operation === 'query' ? schema.getQueryType() : def.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) continue;
    const m = walk(def.selectionSet, root, 0, 1, new Set());
    depth = Math.max(depth, m.depth);
    cost = Math.max(cost, m.cost);
  }
  return { depth, cost, variableSized: usage.variableSized };
}

export interface QueryMeasure {
  depth: number;
  cost: number;
  /** A list size came from a variable: the cost holds for these variables only. */
  variableSized: boolean;
}

/** The errors a measured query earns, if any; each carries `extensions.code`. */
export function limitErrors(measured: { depth: number; cost: number }, limits: QueryLimits): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (measured.depth > limits.maxDepth) {
    errors.push(
      new GraphQLError(`La requête a ${measured.depth} niveaux d’imbrication ; la limite est ${limits.maxDepth}. Demandez moins de champs imbriqués.`, {
        extensions: { code: 'QUERY_TOO_DEEP', depth: measured.depth, maxDepth: limits.maxDepth, http: { status: 400 } },
      }),
    );
  }
  if (measured.cost > limits.maxCost) {
    errors.push(
      new GraphQLError(`La requête coûte ${measured.cost}, au-delà de la limite de ${limits.maxCost}. Demandez moins d’éléments ou moins de champs.`, {
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
