import { GraphQLError, execute, getVariableValues, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** What the compiled executor has done, for /metrics and the specs. */
export interface CompiledExecutionStats {
  /** Operations compiled to JavaScript (once per document and operation name). */
  compiled: number;
  /** Operations run from an already compiled function. */
  reused: number;
  /** Operations graphql-jit could not compile, run by graphql-js instead. */
  interpreted: number;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * graphql-jit reports a resolver's error as its own GraphQLError look-alike whose `extensions`
 * is undefined unless the thrown error had some: Apollo's error normalisation then fails on it
 * (reading `extensions.code`) and answers an English "Internal server error" with no path,
 * before Pollen's formatError could map the cause (the store out of reach: STORE_UNAVAILABLE).
 * Such errors become graphql-js GraphQLErrors, as graphql-js would have built them: the same
 * message, locations, path and original error, and `extensions` an object.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((e) => e.extensions === undefined)) return result;
  const errors = result.errors.map((e) => {
    if (e.extensions !== undefined) return e;
    const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined });
    // graphql-js derives locations from AST nodes, which graphql-jit does not keep: copy them.
    if (e.locations) (error as { locations?: unknown }).locations = e.locations;
    return error;
  });
  return { ...result, errors };
}

/**
 * Runs every GraphQL operation as a JavaScript function compiled once per document and operation
 * name (graphql-jit) instead of walking the document with graphql-js on each request. Apollo keeps
 * one parsed and validated DocumentNode per query text (its document store), so a hot query is
 * compiled once; the WeakMap lets documents the store evicts go with their compiled functions.
 * graphql-js's executor resolves each field through a generic loop and builds each answer object
 * in dictionary mode (Object.create(null)), which JSON.stringify also serialises slowly; the
 * compiled function reads fields directly and builds plain objects.
 *
 * Apollo Server offers one hook for another executor, its GatewayInterface (what Apollo's
 * federation gateway plugs in): this is a single-schema "gateway" whose executor is the compiled
 * query. Plugins, validation, the document store, limits and error formatting are Apollo's as
 * before. Anything graphql-jit declines to compile runs through graphql-js, so no operation fails
 * for being unusual.
 */
export class CompiledExecution {
  readonly stats: CompiledExecutionStats = { compiled: 0, reused: 0, interpreted: 0 };
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The executor: the request's document and operation, compiled once, then run. */
  readonly execute = (
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    contextValue: unknown,
    variables: Record<string, unknown> | undefined,
    requestedOperationName?: string | null,
  ): Promise<ExecutionResult> | ExecutionResult => {
    const operationName = operation?.name?.value;
    const query = operation && this.compiledFor(document, operationName);
    if (!query) {
      this.stats.interpreted += 1;
      // No operation resolved (an unknown name, or several without one): graphql-js, given the
      // name the client asked for, answers the error Apollo expects (run without it, it would
      // execute the document's only operation and Apollo would fail on that).
      return execute({ schema: this.schema, document, operationName: operationName ?? requestedOperationName, contextValue, variableValues: variables });
    }
    // Variables are checked by graphql-js, so a wrong value gets graphql-js's own error (which
    // Apollo recognises as BAD_USER_INPUT, and which is translated to French); the compiled
    // function then reads them as given.
    if (operation.variableDefinitions?.length) {
      const coerced = getVariableValues(this.schema, operation.variableDefinitions, variables ?? {}, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
    }
    const result = query.query(undefined, contextValue, variables ?? {});
    return isPromise(result) ? result.then(withGraphQLErrors) : withGraphQLErrors(result);
  };

  private compiledFor(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    let byOperation = this.compiled.get(document);
    const known = byOperation?.get(operationName ?? '');
    if (known !== undefined) {
      if (known) this.stats.reused += 1;
      return known;
    }
    // Stack traces of resolver errors are never shown to clients (formatError drops them).
    const result = compileQuery(this.schema, document, operationName, { disablingCapturingStackErrors: true });
    const query = isCompiledQuery(result) ? result : null;
    if (query) this.stats.compiled += 1;
    if (!byOperation) this.compiled.set(document, (byOperation = new Map()));
    byOperation.set(operationName ?? '', query);
    return query;
  }

  /** Apollo Server's `gateway` option: the schema as it is, and the compiled executor. */
  gateway(): GatewayInterface {
    const schema = this.schema;
    const run: Executor = async (requestContext) =>
      (await this.execute(requestContext.document, requestContext.operation, requestContext.context, requestContext.request.variables, requestContext.request.operationName)) as Awaited<ReturnType<Executor>>;
    let supergraphSdl: string | undefined;
    return {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: (supergraphSdl ??= printSchema(schema)) });
        return () => {};
      },
      async load() {
        return { executor: run };
      },
      async stop() {},
    };
  }
}
