/**
 * An unexpected error (a bug, not an upstream's refusal) answers a French INTERNAL_SERVER_ERROR
 * without its message or stack, and is logged once, with its cause, for the operators.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createFormatError } from '../../src/graphql/errors.js';

describe('unexpected errors', () => {
  it('answer in French without their text, and are logged once with their cause', () => {
    const logged: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const format = createFormatError({
      warn: (fields, message) => void logged.push({ level: 'warn', fields, message }),
      error: (fields, message) => void logged.push({ level: 'error', fields, message }),
    });
    const bug = new TypeError("Cannot read properties of undefined (reading 'title')");
    const located = new GraphQLError(bug.message, { path: ['module', 'title'], originalError: bug });
    const answer = format({ message: bug.message, path: ['module', 'title'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, located);
    expect(answer).toEqual({
      message: 'Erreur interne. Elle a été journalisée ; réessayez ou prévenez l’équipe qui gère Pollen.',
      path: ['module', 'title'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([{
      level: 'error',
      fields: { code: 'INTERNAL_SERVER_ERROR', path: 'module.title', cause: "TypeError: Cannot read properties of undefined (reading 'title')" },
      message: 'Unexpected error while answering a GraphQL request',
    }]);
  });

  it('leave coded errors alone: no log line, their own message', () => {
    const logged: unknown[] = [];
    const format = createFormatError({ warn: () => void logged.push(1), error: () => void logged.push(1) });
    const refusal = new GraphQLError('Connectez-vous d’abord : ce champ demande une session ou un jeton d’accès.', { extensions: { code: 'UNAUTHENTICATED' } });
    const answer = format({ message: refusal.message, extensions: { code: 'UNAUTHENTICATED' } }, refusal);
    expect(answer.message).toBe(refusal.message);
    expect(logged).toEqual([]);
  });
});
