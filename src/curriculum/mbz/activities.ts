/**
 * One activity of a Moodle backup: `activities/<mod>_<cmid>/` with module.xml (section,
 * idnumber, completion), the module's own XML (page.xml, url.xml, quiz.xml) and the files every
 * activity folder carries, as Moodle 5.1's backup writes them for a course made by its generator.
 */
import type { PackageFile } from '../imscc/zip.js';
import { emptyElement, fields, NULL, xmlFile, type FieldValue } from './xml.js';

/** The backup format of Moodle 5.1 (moodle_backup.xml's backup_version). */
export const BACKUP_VERSION = '2025100600';

export type Completion =
  | { kind: 'none' }
  | { kind: 'manual' }
  | { kind: 'view' }
  /** Completed when the activity's grade reaches its passing grade. */
  | { kind: 'passgrade' };

export interface MbzActivity {
  /** The course-module id inside the backup (Moodle gives new ones on restore). */
  moduleId: number;
  /** The module instance id (page.id, url.id, quiz.id) inside the backup. */
  instanceId: number;
  contextId: number;
  modname: 'page' | 'url' | 'quiz';
  sectionId: number;
  sectionNumber: number;
  idnumber: string;
  name: string;
  completion: Completion;
  /** Moodle's availability JSON (conditions a learner must meet to open it), or none. */
  availability?: string;
  /** The module's own record, e.g. `<page id="1">...</page>`. */
  instanceXml: string;
  /** grades.xml's grade items (quizzes). */
  gradeItemsXml?: string;
  /** inforef.xml's references (grade items, question categories). */
  inforefXml?: string;
}

export function activityDirectory(a: Pick<MbzActivity, 'modname' | 'moduleId'>): string {
  return `activities/${a.modname}_${a.moduleId}`;
}

function completionFields(c: Completion): Record<string, FieldValue> {
  return {
    completion: c.kind === 'none' ? 0 : c.kind === 'manual' ? 1 : 2,
    completiongradeitemnumber: c.kind === 'passgrade' ? 0 : NULL,
    completionpassgrade: c.kind === 'passgrade' ? 1 : 0,
    completionview: c.kind === 'view' ? 1 : 0,
    completionexpected: 0,
  };
}

function moduleXml(a: MbzActivity, added: number): string {
  const record: Record<string, FieldValue> = {
    modulename: a.modname,
    sectionid: a.sectionId,
    sectionnumber: a.sectionNumber,
    idnumber: a.idnumber,
    added,
    score: 0,
    indent: 0,
    visible: 1,
    visibleoncoursepage: 1,
    visibleold: 1,
    groupmode: 0,
    groupingid: 0,
    ...completionFields(a.completion),
    availability: a.availability ?? NULL,
    showdescription: 0,
    downloadcontent: 1,
    lang: NULL,
    enableaitools: NULL,
    enabledaiactions: NULL,
  };
  return xmlFile(`<module id="${a.moduleId}" version="${BACKUP_VERSION}">\n${fields(record)}\n${emptyElement('tags', '  ')}\n</module>`);
}

/** Every file of one activity's folder. */
export function activityFiles(a: MbzActivity, time: number): PackageFile[] {
  const dir = activityDirectory(a);
  const file = (name: string, content: string): PackageFile => ({ path: `${dir}/${name}`, content });
  return [
    file('module.xml', moduleXml(a, time)),
    file(
      `${a.modname}.xml`,
      xmlFile(`<activity id="${a.instanceId}" moduleid="${a.moduleId}" modulename="${a.modname}" contextid="${a.contextId}">\n${a.instanceXml}\n</activity>`),
    ),
    file('grades.xml', xmlFile(`<activity_gradebook>\n  <grade_items>\n${a.gradeItemsXml ?? ''}  </grade_items>\n${emptyElement('grade_letters', '  ')}\n</activity_gradebook>`)),
    file('inforef.xml', xmlFile(`<inforef>\n${a.inforefXml ?? ''}</inforef>`)),
    file('completion.xml', xmlFile(`<completions>\n${emptyElement('completionviews', '  ')}\n</completions>`)),
    file('roles.xml', xmlFile(`<roles>\n${emptyElement('role_overrides', '  ')}\n${emptyElement('role_assignments', '  ')}\n</roles>`)),
    file('filters.xml', xmlFile(`<filters>\n${emptyElement('filter_actives', '  ')}\n${emptyElement('filter_configs', '  ')}\n</filters>`)),
    file('comments.xml', xmlFile(emptyElement('comments'))),
    file('calendar.xml', xmlFile(emptyElement('events'))),
    file('competencies.xml', xmlFile(`<course_module_competencies>\n${emptyElement('competencies', '  ')}\n</course_module_competencies>`)),
    file('grade_history.xml', xmlFile(`<grade_history>\n${emptyElement('grade_grades', '  ')}\n</grade_history>`)),
    file('xapistate.xml', xmlFile(emptyElement('states'))),
  ];
}

/** `<page id="N">`: the lesson, HTML. */
export function pageXml(id: number, name: string, html: string, time: number): string {
  return `  <page id="${id}">\n${fields(
    {
      name,
      intro: '',
      introformat: 1,
      content: html,
      contentformat: 1,
      legacyfiles: 0,
      legacyfileslast: NULL,
      display: 0,
      displayoptions: 'a:2:{s:10:"printintro";i:0;s:17:"printlastmodified";i:1;}',
      revision: 1,
      timemodified: time,
    },
    '    ',
  )}\n  </page>`;
}

/** `<url id="N">`: a link (here, to the module's wiki page). */
export function urlXml(id: number, name: string, intro: string, externalUrl: string, time: number): string {
  return `  <url id="${id}">\n${fields(
    {
      name,
      intro,
      introformat: 1,
      externalurl: externalUrl,
      display: 0,
      displayoptions: 'a:1:{s:10:"printintro";i:1;}',
      parameters: 'a:0:{}',
      timemodified: time,
    },
    '    ',
  )}\n  </url>`;
}

/**
 * Availability: open once the activity `moduleId` (inside the backup) is complete. The restore maps
 * the id onto the restored course module (availability_completion's update_after_restore).
 */
export function afterCompletionOf(moduleId: number): string {
  return JSON.stringify({ op: '&', c: [{ type: 'completion', cm: moduleId, e: 1 }], showc: [true] });
}
