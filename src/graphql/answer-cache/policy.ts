import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * A type's or field's cache-control hint, as written in the SDL (src/graphql/schema/base.graphql
 * declares the directive): `@cacheControl(maxAge: 3600)`, `@cacheControl(scope: PRIVATE)`.
 * The same directive as Apollo's response cache; Pollen reads it itself.
 */
export interface CacheHint {
  maxAge?: number | undefined;
  scope?: 'PUBLIC' | 'PRIVATE' | undefined;
}

/** What an operation may be cached for: undefined when it may not be (some field without a hint, PRIVATE, or maxAge 0). */
export interface CachePolicy {
  /** Seconds, the smallest of the hints of every field the operation selects. */
  maxAge: number;
}

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): CacheHint | undefined {
  const node = directives?.find((d) => d.name.value === 'cacheControl');
  if (!node) return undefined;
  const hint: CacheHint = {};
  for (const arg of node.arguments ?? []) {
    const value = valueFromASTUntyped(arg.value);
    if (arg.name.value === 'maxAge' && typeof value === 'number') hint.maxAge = value;
    if (arg.name.value === 'scope' && (value === 'PUBLIC' || value === 'PRIVATE')) hint.scope = value;
  }
  return hint;
}

function typeHint(type: GraphQLNamedType): CacheHint | undefined {
  for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
    const hint = hintOf(node?.directives);
    if (hint) return hint;
  }
  return undefined;
}

function fieldsOf(type: GraphQLCompositeType): Record<string, GraphQLField<unknown, unknown>> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
}

/** Thrown out of the walk at the first field that makes the operation uncacheable. */
const NOT_CACHEABLE = Symbol('not cacheable');

/**
 * The policy of the operation `operationName` of `document`, Apollo's rules in short: a field's
 * hint is its own, else its type's (composite types); a root field or a field returning an
 * object without either is not cacheable (its answer may change at any time); a scalar field of
 * an object takes its parent's; `__typename` costs nothing; introspection is not cached.
 * Mutations and subscriptions are never cacheable.
 */
export function operationPolicy(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CachePolicy | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return undefined;
  const root = schema.getQueryType();
  if (!root) return undefined;
  let maxAge = Number.POSITIVE_INFINITY;
  const walked = new Set<string>();

  const walk = (set: SelectionSetNode, type: GraphQLCompositeType, isRoot: boolean): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        walk(sel.selectionSet, cond && isCompositeType(cond) ? cond : type, isRoot);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        // A fragment selects the same fields wherever it is spread: one walk each is enough.
        const key = `${type.name}:${sel.name.value}`;
        const frag = fragments.get(sel.name.value);
        if (!frag || walked.has(key)) continue;
        walked.add(key);
        const cond = schema.getType(frag.typeCondition.name.value);
        walk(frag.selectionSet, cond && isCompositeType(cond) ? cond : type, isRoot);
        continue;
      }
      const name = sel.name.value;
      if (name === '__typename') continue;
      const field = fieldsOf(type)?.[name];
      if (!field) throw NOT_CACHEABLE; // introspection (__schema, __type) or unknown
      const named = getNamedType(field.type);
      const composite = isCompositeType(named);
      const hint = hintOf(field.astNode?.directives) ?? (composite ? typeHint(named) : undefined);
      if (hint?.scope === 'PRIVATE') throw NOT_CACHEABLE;
      if (hint?.maxAge !== undefined) maxAge = Math.min(maxAge, hint.maxAge);
      else if (isRoot || composite) throw NOT_CACHEABLE;
      if (maxAge <= 0) throw NOT_CACHEABLE;
      if (sel.selectionSet && composite) walk(sel.selectionSet, named, false);
    }
  };

  try {
    walk(operation.selectionSet, root, true);
  } catch (err) {
    if (err === NOT_CACHEABLE) return undefined;
    throw err;
  }
  return Number.isFinite(maxAge) ? { maxAge } : undefined;
}

/**
 * `operationPolicy`, computed once per document and operation name: Apollo keeps one parsed
 * DocumentNode per query text (its document store), and the WeakMap lets evicted documents go.
 */
export class PolicyCache {
  private readonly known = new WeakMap<DocumentNode, Map<string, CachePolicy | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  policyOf(document: DocumentNode, operationName: string | null | undefined): CachePolicy | undefined {
    let byOperation = this.known.get(document);
    const cached = byOperation?.get(operationName ?? '');
    if (cached !== undefined) return cached ?? undefined;
    const policy = operationPolicy(this.schema, document, operationName);
    if (!byOperation) this.known.set(document, (byOperation = new Map()));
    byOperation.set(operationName ?? '', policy ?? null);
    return policy;
  }
}
