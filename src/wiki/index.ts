// The wiki layer's public API: import from 'src/wiki/index.js'.
export { WikiClient, type WikiRequestOptions, type WikiSiteInfo } from './client.js';
export type { WikiClientOptions, WikiLogger } from './options.js';
export type { ApiParams, ApiParamValue } from './transport.js';
export {
  WikiError, WikiLoginError, WikiEditConflictError, WikiPageExistsError, WikiMissingPageError,
  WikiPermissionError, WikiUnavailableError,
} from './errors.js';
export type { WikiPage, WikiRevisionInfo, GetPagesOptions, WikiSearchHit, WikiCategoryMember, WikiRecentChange } from './pages.js';
export type { EditParams, EditResult } from './edit.js';
export type { MoveParams, MoveResult } from './move.js';
export { publishPage, publishPages, publishReadPage, STOP_PAGE_RECHECK_EDITS, type PublishRequest, type PublishOutcome, type PublishStatus } from './publish.js';
export { botsAllowed, isStopRequested, defaultStopPage, STOP_PAGE_RUNNING_TEXT } from './bot-policy.js';
export { ensureLocalWiki, resolveWiki, type LocalWikiSettings, type EnsureLocalWikiOptions, type ResolvedWiki } from './local.js';
export { WikiReadCache, type WikiReadCacheOptions, type PageReads } from './read-cache.js';
export type { WikiCacheStats } from './page-cache.js';
