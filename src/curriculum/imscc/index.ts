export {
  activityTitles,
  buildCartridge,
  PRESENTATION_TITLE,
  exportImscc,
  DEFAULT_COURSE_TITLE,
  DEFAULT_WIKI_BASE_URL,
  MANIFEST_PATH,
  type Cartridge,
  type ExportImsccOptions,
} from './export.js';
export { CC_NAMESPACE, LOM_MANIFEST_NAMESPACE, LOM_RESOURCE_NAMESPACE, resourceTypes } from './manifest.js';
export { wikiPageUrl } from './weblink.js';
export { escapeXml, xmlId } from './xml.js';
export { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi, writeCartridge } from './write.js';
export { writeCartridgeApart } from './write-apart.js';
