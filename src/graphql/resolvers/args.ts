import { GraphQLError } from 'graphql';

/** A request the caller can fix: HTTP 400 semantics, code BAD_USER_INPUT. */
export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}
