// The curriculum publisher's public API: import from 'src/curriculum/publish/index.js'.
export {
  publishCurriculum, type PublishCurriculumOptions, type PublishReport, type PageReport, type PageStatus, type DraftReport,
} from './publish.js';
export { renderCurriculumPages, type CurriculumPage, type CurriculumPageKind } from './pages.js';
export { renderModulePage, navigationCall, type ModulePageContext } from './render-module.js';
export { renderIndexPage } from './render-index.js';
export { renderNavigationTemplate } from './render-template.js';
export { formatPublishTable, formatDryRunDiffs, exitCodeOf, statusLabels } from './report.js';
export { wikitextDiff } from './plan.js';
export {
  INDEX_TITLE, NAVIGATION_TEMPLATE, NAVIGATION_TEMPLATE_TITLE, MAIN_CATEGORY, DRAFT_SUFFIX, draftTitle, groupCategory,
} from './names.js';
