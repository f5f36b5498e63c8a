import { GraphQLError } from 'graphql';
import { requireRole } from '../../auth/viewer.js';
import type { NoteState, QueueEntry } from '../../notes/queue.js';
import type { NoteSubmission, NotesService } from '../../notes/service.js';
import type { GatewayContext } from '../context.js';
import { upstreamError } from '../errors.js';
import { badInput } from './args.js';
import { clamp } from './wiki.js';

/** Largest note accepted over the API (a long workshop's minutes are ~50 kB). */
const MAX_SOURCE_BYTES = 512 * 1024;

function notesOf(ctx: GatewayContext): NotesService {
  if (!ctx.deps.notes) throw new GraphQLError('La publication des comptes-rendus n’est pas configurée sur ce serveur Pollen.', { extensions: { code: 'NOTES_UNAVAILABLE' } });
  return ctx.deps.notes;
}

const enumOf = (state: NoteState | 'dry-run' | 'invalid'): string => state.toUpperCase().replace('-', '_');

export const notesResolvers = {
  Query: {
    notesQueue: async (_: unknown, { limit }: { limit: number }, ctx: GatewayContext) => {
      requireRole(ctx, 'facilitator', 'admin');
      const { entries, counts, total } = await notesOf(ctx).list(clamp(limit, 500));
      return { entries, counts, total };
    },
  },
  Mutation: {
    submitNote: async (_: unknown, args: { source: string; fileName?: string | null; dryRun: boolean; replaces?: number | null; session?: number | null }, ctx: GatewayContext) => {
      requireRole(ctx, 'facilitator', 'admin');
      if (Buffer.byteLength(args.source) > MAX_SOURCE_BYTES) throw badInput(`Le compte-rendu est trop long (${MAX_SOURCE_BYTES / 1024} ko au plus).`);
      const fileName = args.fileName?.trim() || undefined;
      if (fileName !== undefined && (fileName.length > 255 || /[\\/\0]/.test(fileName))) throw badInput('fileName doit être un simple nom de fichier, par exemple 2025-03-12-atelier.md.');
      try {
        return await notesOf(ctx).submit({ source: args.source, fileName, dryRun: args.dryRun, ...(typeof args.replaces === 'number' ? { replaces: args.replaces } : {}), ...(typeof args.session === 'number' ? { session: args.session } : {}) });
      } catch (err) {
        if (err instanceof GraphQLError) throw err;
        throw upstreamError('wiki', err);
      }
    },
  },
  NoteSubmission: {
    state: (s: NoteSubmission) => enumOf(s.state),
    wikitextPreview: (s: NoteSubmission) => s.wikitext,
  },
  NoteQueueEntry: {
    state: (e: QueueEntry) => enumOf(e.state),
    url: (e: QueueEntry) => e.pageUrl,
  },
};
