/** The course-level files of a Moodle backup: course/, sections/, root files and moodle_backup.xml. */
import type { PackageFile } from '../imscc/zip.js';
import { activityDirectory, BACKUP_VERSION, type MbzActivity } from './activities.js';
import { escapeXml } from '../imscc/xml.js';
import { emptyElement, fields, NULL, xmlFile } from './xml.js';

export interface MbzSection {
  id: number;
  number: number;
  /** NULL for section 0 (Moodle names it "General"). */
  name: string | null;
  summary: string;
}

export interface MbzCourse {
  fullname: string;
  shortname: string;
  summary: string;
  contextId: number;
  sections: MbzSection[];
  activities: MbzActivity[];
  /** grade items of the course itself (gradebook.xml); quiz items live with their activity. */
  gradeCategoryId: number;
  courseGradeItemId: number;
  /** questions.xml's categories. */
  questionCategoriesXml: string;
  time: number;
  /** The course's start date (seconds since the epoch). */
  startDate: number;
  fileName: string;
}

const STUDENT_ROLE_ID = 5;

function courseXml(c: MbzCourse): string {
  return xmlFile(`<course id="1" contextid="${c.contextId}">
${fields({
  shortname: c.shortname, fullname: c.fullname, idnumber: '', summary: c.summary, summaryformat: 1, format: 'topics', showgrades: 1,
  newsitems: 0, startdate: c.startDate, enddate: 0, marker: 0, maxbytes: 0, legacyfiles: 0, showreports: 0, visible: 1, groupmode: 0,
  groupmodeforce: 0, defaultgroupingid: 0, lang: 'fr', theme: '', timecreated: c.time, timemodified: c.time, requested: 0,
  showactivitydates: 0, showcompletionconditions: 1, pdfexportfont: NULL, enablecompletion: 1, completionnotify: 0, enableaitools: NULL,
})}
  <category id="1">
    <name>Category 1</name>
    <description>$@NULL@$</description>
  </category>
  <tags>
  </tags>
  <customfields>
  </customfields>
  <courseformatoptions>
    <courseformatoption>
      <format>topics</format>
      <sectionid>0</sectionid>
      <name>hiddensections</name>
      <value>1</value>
    </courseformatoption>
    <courseformatoption>
      <format>topics</format>
      <sectionid>0</sectionid>
      <name>coursedisplay</name>
      <value>0</value>
    </courseformatoption>
  </courseformatoptions>
</course>`);
}

function enrolmentsXml(time: number): string {
  return xmlFile(`<enrolments>
  <enrols>
    <enrol id="1">
${fields({
  enrol: 'manual', status: 0, name: NULL, enrolperiod: 0, enrolstartdate: 0, enrolenddate: 0, expirynotify: 0, expirythreshold: 86400,
  notifyall: 0, password: NULL, cost: NULL, currency: NULL, roleid: STUDENT_ROLE_ID, customint1: NULL, customint2: NULL, customint3: NULL,
  customint4: NULL, customint5: NULL, customint6: NULL, customint7: NULL, customint8: NULL, customchar1: NULL, customchar2: NULL,
  customchar3: NULL, customdec1: NULL, customdec2: NULL, customtext1: NULL, customtext2: NULL, customtext3: NULL, customtext4: NULL,
  timecreated: time, timemodified: time,
}, '      ')}
      <user_enrolments>
      </user_enrolments>
    </enrol>
  </enrols>
</enrolments>`);
}

function sectionFiles(c: MbzCourse, s: MbzSection): PackageFile[] {
  const sequence = c.activities.filter((a) => a.sectionId === s.id).map((a) => a.moduleId).join(',');
  return [
    {
      path: `sections/section_${s.id}/section.xml`,
      content: xmlFile(`<section id="${s.id}">
${fields({ number: s.number, name: s.name ?? NULL, summary: s.summary, summaryformat: 1, sequence, visible: 1, availabilityjson: NULL, component: NULL, itemid: NULL, timemodified: c.time })}
</section>`),
    },
    { path: `sections/section_${s.id}/inforef.xml`, content: xmlFile(emptyElement('inforef')) },
  ];
}

/** Course completion: every activity that tracks completion is required (aggregation ALL). */
function completionXml(c: MbzCourse): string {
  const tracked = c.activities.filter((a) => a.completion.kind !== 'none');
  const criteria = tracked
    .map((a, i) => `  <course_completion_criteria id="${i + 1}">
${fields({ course: 1, criteriatype: 4, module: a.modname, moduleinstance: a.moduleId, courseinstanceshortname: NULL, enrolperiod: NULL, timeend: NULL, gradepass: NULL, role: NULL, roleshortname: NULL }, '    ')}
    <course_completion_crit_completions>
    </course_completion_crit_completions>
  </course_completion_criteria>`)
    .join('\n');
  return xmlFile(`<course_completion>
${criteria}
  <course_completion_aggr_methd id="1">
${fields({ course: 1, criteriatype: 4, method: 1, value: NULL }, '    ')}
  </course_completion_aggr_methd>
</course_completion>`);
}

function gradebookXml(c: MbzCourse): string {
  return xmlFile(`<gradebook>
  <attributes>
  </attributes>
  <grade_categories>
    <grade_category id="${c.gradeCategoryId}">
${fields({ parent: NULL, depth: 1, path: `/${c.gradeCategoryId}/`, fullname: '?', aggregation: 13, keephigh: 0, droplow: 0, aggregateonlygraded: 1, aggregateoutcomes: 0, timecreated: c.time, timemodified: c.time, hidden: 0 }, '      ')}
    </grade_category>
  </grade_categories>
  <grade_items>
    <grade_item id="${c.courseGradeItemId}">
${fields({
  categoryid: NULL, itemname: NULL, itemtype: 'course', itemmodule: NULL, iteminstance: c.gradeCategoryId, itemnumber: NULL, iteminfo: NULL,
  idnumber: NULL, calculation: NULL, gradetype: 1, grademax: '100.00000', grademin: '0.00000', scaleid: NULL, outcomeid: NULL,
  gradepass: '0.00000', multfactor: '1.00000', plusfactor: '0.00000', aggregationcoef: '0.00000', aggregationcoef2: '0.00000',
  weightoverride: 0, sortorder: 1, display: 0, decimals: NULL, hidden: 0, locked: 0, locktime: 0, needsupdate: 0, timecreated: c.time,
  timemodified: c.time,
}, '      ')}
      <grade_grades>
      </grade_grades>
    </grade_item>
  </grade_items>
  <grade_letters>
  </grade_letters>
  <grade_settings>
    <grade_setting id="">
      <name>minmaxtouse</name>
      <value>1</value>
    </grade_setting>
  </grade_settings>
</gradebook>`);
}

function setting(level: string, name: string, value: string | number, owner?: [string, string]): string {
  return `      <setting>
        <level>${level}</level>${owner ? `\n        <${owner[0]}>${owner[1]}</${owner[0]}>` : ''}
        <name>${name}</name>
        <value>${value}</value>
      </setting>`;
}

function moodleBackupXml(c: MbzCourse): string {
  const root: Array<[string, string | number]> = [
    ['filename', c.fileName], ['imscc11', 0], ['users', 0], ['anonymize', 0], ['role_assignments', 0], ['activities', 1], ['blocks', 0],
    ['files', 1], ['filters', 0], ['comments', 0], ['badges', 0], ['calendarevents', 0], ['userscompletion', 0], ['logs', 0],
    ['grade_histories', 0], ['groups', 0], ['competencies', 0], ['customfield', 0], ['contentbankcontent', 0], ['xapistate', 0], ['legacyfiles', 0],
  ];
  const settings = [
    ...root.map(([name, value]) => setting('root', name, value)),
    ...c.sections.flatMap((s) => {
      const key = `section_${s.id}`;
      const own = [setting('section', `${key}_included`, 1, ['section', key]), setting('section', `${key}_userinfo`, 0, ['section', key])];
      const acts = c.activities
        .filter((a) => a.sectionId === s.id)
        .flatMap((a) => {
          const akey = `${a.modname}_${a.moduleId}`;
          return [setting('activity', `${akey}_included`, 1, ['activity', akey]), setting('activity', `${akey}_userinfo`, 0, ['activity', akey])];
        });
      return [...own, ...acts];
    }),
  ];
  const activities = c.activities
    .map((a) => `        <activity>
${fields({ moduleid: a.moduleId, sectionid: a.sectionId, modulename: a.modname, title: a.name, directory: activityDirectory(a), insubsection: '' }, '          ')}
        </activity>`)
    .join('\n');
  const sections = c.sections
    .map((s) => `        <section>
${fields({ sectionid: s.id, title: s.number, directory: `sections/section_${s.id}`, parentcmid: '', modname: '' }, '          ')}
        </section>`)
    .join('\n');
  return xmlFile(`<moodle_backup>
  <information>
${fields({
  name: c.fileName, moodle_version: '2025100600.02', moodle_release: '5.1+ (Build: 20251017)', backup_version: BACKUP_VERSION,
  backup_release: '5.1', backup_date: c.time, mnet_remoteusers: 0, include_files: 1, include_file_references_to_external_content: 0,
  original_wwwroot: 'https://pollen.invalid', original_site_identifier_hash: 'pollen-curriculum', original_course_id: 1,
  original_course_format: 'topics', original_course_fullname: c.fullname, original_course_shortname: c.shortname,
  original_course_startdate: c.startDate, original_course_enddate: 0, original_course_contextid: c.contextId, original_system_contextid: 1,
}, '    ')}
    <details>
      <detail backup_id="pollen-curriculum">
        <type>course</type>
        <format>moodle2</format>
        <interactive>1</interactive>
        <mode>10</mode>
        <execution>1</execution>
        <executiontime>0</executiontime>
      </detail>
    </details>
    <contents>
      <activities>
${activities}
      </activities>
      <sections>
${sections}
      </sections>
      <course>
        <courseid>1</courseid>
        <title>${escapeXml(c.shortname)}</title>
        <directory>course</directory>
      </course>
    </contents>
    <settings>
${settings.join('\n')}
    </settings>
  </information>
</moodle_backup>`);
}

/** Every course-level file, moodle_backup.xml first. */
export function courseFiles(c: MbzCourse): PackageFile[] {
  const file = (path: string, content: string): PackageFile => ({ path, content });
  const roles = xmlFile(`<roles>\n${emptyElement('role_overrides', '  ')}\n${emptyElement('role_assignments', '  ')}\n</roles>`);
  return [
    file('moodle_backup.xml', moodleBackupXml(c)),
    file('course/course.xml', courseXml(c)),
    file('course/enrolments.xml', enrolmentsXml(c.time)),
    file('course/inforef.xml', xmlFile(`<inforef>\n  <roleref>\n    <role>\n      <id>${STUDENT_ROLE_ID}</id>\n    </role>\n  </roleref>\n</inforef>`)),
    file('course/roles.xml', roles),
    file('course/filters.xml', xmlFile(`<filters>\n${emptyElement('filter_actives', '  ')}\n${emptyElement('filter_configs', '  ')}\n</filters>`)),
    file('course/calendar.xml', xmlFile(emptyElement('events'))),
    file('course/comments.xml', xmlFile(emptyElement('comments'))),
    file('course/competencies.xml', xmlFile(`<course_competencies>\n${emptyElement('competencies', '  ')}\n${emptyElement('user_competencies', '  ')}\n</course_competencies>`)),
    file('course/completiondefaults.xml', xmlFile(emptyElement('course_completion_defaults'))),
    file('course/contentbank.xml', xmlFile(emptyElement('contents'))),
    ...c.sections.flatMap((s) => sectionFiles(c, s)),
    file('completion.xml', completionXml(c)),
    file('gradebook.xml', gradebookXml(c)),
    file('questions.xml', xmlFile(`<question_categories>\n${c.questionCategoriesXml}</question_categories>`)),
    file('roles.xml', xmlFile(`<roles_definition>
  <role id="${STUDENT_ROLE_ID}">
${fields({ name: '', shortname: 'student', nameincourse: NULL, description: '', sortorder: 5, archetype: 'student' }, '    ')}
  </role>
</roles_definition>`)),
    file('files.xml', xmlFile(emptyElement('files'))),
    file('scales.xml', xmlFile(emptyElement('scales_definition'))),
    file('outcomes.xml', xmlFile(emptyElement('outcomes_definition'))),
    file('groups.xml', xmlFile(`<groups>\n${emptyElement('groupcustomfields', '  ')}\n  <groupings>\n${emptyElement('groupingcustomfields', '    ')}\n  </groupings>\n</groups>`)),
    file('badges.xml', xmlFile(emptyElement('badges'))),
    file('grade_history.xml', xmlFile(`<grade_history>\n${emptyElement('grade_grades', '  ')}\n</grade_history>`)),
    file('users.xml', xmlFile(emptyElement('users'))),
  ];
}
