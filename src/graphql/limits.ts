import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  getNullableType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type GraphQLCompositeType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  validate,
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

function listSize(field: FieldNode, variables: Record<string, unknown>, fallback: number): number {
  for (const arg of field.arguments ?? []) {
    if (!SIZE_ARGUMENTS.includes(arg.name.value)) continue;
    const v = arg.value;
    if (v.kind === Kind.INT) return Number(v.value);
    if (v.kind === Kind.LIST) return v.values.length;
    if (v.kind === Kind.VARIABLE) {
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
 * Walks the operation once, following fragments, and rejects it when it is too deep or too
 * costly. Errors carry `extensions.code` so clients can branch on them.
 */
export function queryLimitsRule(limits: QueryLimits, variables: Record<string, unknown> = {}) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const schema = context.getSchema();

    const walk = (
      set: SelectionSetNode,
      type: GraphQLCompositeType,
      depth: number,
      multiplier: number,
      seen: Set<string>,
    ): { depth: number; cost: number } => {
      let deepest = depth;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          const fieldDef = fieldsOf(type)?.[sel.name.value];
          const fieldDepth = depth + 1;
          deepest = Math.max(deepest, fieldDepth);
          cost += multiplier;
          if (!fieldDef || !sel.selectionSet) continue;
          const outType: GraphQLOutputType = getNullableType(fieldDef.type);
          const childMultiplier = isListType(outType) ? multiplier * listSize(sel, variables, limits.defaultListSize) : multiplier;
          const named = getNamedType(fieldDef.type);
          if (!isCompositeType(named)) continue;
          const sub = walk(sel.selectionSet, named, fieldDepth, childMultiplier, seen);
          deepest = Math.max(deepest, sub.depth);
          cost += sub.cost;
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
          const target = cond && isCompositeType(cond) ? cond : type;
          const sub = walk(sel.selectionSet, target, depth, multiplier, seen);
          deepest = Math.max(deepest, sub.depth);
          cost += sub.cost;
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || seen.has(name)) continue; // cycles are reported by NoFragmentCycles
          const cond = schema.getType(frag.typeCondition.name.value);
          const target = cond && isCompositeType(cond) ? cond : type;
          const sub = walk(frag.selectionSet, target, depth, multiplier, new Set([...seen, name]));
          deepest = Math.max(deepest, sub.depth);
          cost += sub.cost;
        }
      }
      return { depth: deepest, cost };
    };

    return {
      OperationDefinition(node) {
        const root =
          node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        if (!root) return;
        const { depth, cost } = walk(node.selectionSet, root, 0, 1, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`Query is ${depth} levels deep; the limit is ${limits.maxDepth}. Ask for fewer nested fields.`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth: limits.maxDepth },
            }),
          );
        }
        if (cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(`Query cost ${cost} exceeds the limit of ${limits.maxCost}. Ask for fewer items or fewer fields.`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: limits.maxCost },
            }),
          );
        }
      },
    };
  };
}


/**
 * Apollo plugin applying the limits once the operation is known, so list sizes given as
 * variables count too. A rejected query answers HTTP 400 with the rule's error code.
 */
export function queryLimitsPlugin(limits: QueryLimits = defaultQueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const [first] = validate(schema, document, [queryLimitsRule(limits, request.variables ?? {})]);
          if (first) {
            throw new GraphQLError(first.message, { extensions: { ...first.extensions, http: { status: 400 } } });
          }
        },
      };
    },
  };
}
