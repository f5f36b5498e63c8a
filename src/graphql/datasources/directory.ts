import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { DirectoryError, type ModerationEvent, type Provider, type Recommendation } from '../../directory/model.js';
import type { DirectoryService } from '../../directory/service.js';
import { upstreamError } from '../errors.js';

/** A directory refusal as a coded GraphQL error (French message); store failures as STORE_*. */
export function directoryError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (err instanceof DirectoryError) return new GraphQLError(err.message, { extensions: { code: err.code, ...err.details } });
  return upstreamError('store', err);
}

/** Runs a directory call, turning its failures into coded errors. */
export async function fromDirectory<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw directoryError(err);
  }
}

/**
 * The directory seen from one request: a page of providers asks for their verified
 * recommendations (quotes) and their history in one store read each, not one per provider.
 */
export class DirectoryDataSource {
  readonly verifiedOf: DataLoader<number, Recommendation[]>;
  readonly allOf: DataLoader<number, Recommendation[]>;
  readonly providerHistory: DataLoader<number, ModerationEvent[]>;
  readonly recommendationHistory: DataLoader<number, ModerationEvent[]>;
  readonly providerById: DataLoader<number, Provider | undefined>;

  constructor(readonly service: DirectoryService) {
    const byProvider = (statuses: Recommendation['status'][]) => async (ids: readonly number[]) => {
      const rows = await service.recommendations(ids, statuses);
      return ids.map((id) => rows.filter((r) => r.providerId === id));
    };
    this.verifiedOf = new DataLoader(byProvider(['verified']));
    this.allOf = new DataLoader(byProvider(['pending', 'verified', 'rejected']));
    const history = (subject: ModerationEvent['subject']) => async (ids: readonly number[]) => {
      const events = await service.history(subject, ids);
      return ids.map((id) => events.filter((e) => e.subjectId === id));
    };
    this.providerHistory = new DataLoader(history('provider'));
    this.recommendationHistory = new DataLoader(history('recommendation'));
    this.providerById = new DataLoader(async (ids) => {
      const rows = await service.db.selectFrom('directory_providers').select('slug').where('id', 'in', [...ids]).execute();
      const providers = await Promise.all(rows.map((r) => service.provider(r.slug)));
      return ids.map((id) => providers.find((p) => p?.id === id));
    });
  }
}
