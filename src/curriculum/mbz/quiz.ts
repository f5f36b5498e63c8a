/**
 * A module's quiz in a Moodle backup: quiz.xml with one slot per question, its grade item (out of
 * 10, passing grade 5: completion on passing grade), and the questions in a category of the quiz's
 * own question bank (questions.xml, with Moodle's `top` category above it).
 */
import type { CurriculumModule, QuizQuestion } from '../schema.js';
import { fields, NULL } from './xml.js';

export const QUIZ_GRADE = 10;
export const QUIZ_PASS_GRADE = 5;

export interface QuizIds {
  quizId: number;
  moduleId: number;
  contextId: number;
  gradeItemId: number;
  /** The quiz bank's `top` category; the questions' category is topCategoryId + 1. */
  topCategoryId: number;
  /** First question id (also used for bank entries, versions and answers blocks). */
  firstQuestionId: number;
  /** The course's grade category (gradebook.xml). */
  gradeCategoryId: number;
}

export function quizXml(module: CurriculumModule, name: string, ids: QuizIds, time: number): string {
  const record = fields(
    {
      name,
      intro: `<p>${escapeText(`${module.quiz.length} questions sur « ${module.title} ». Réussite à partir de ${QUIZ_PASS_GRADE} sur ${QUIZ_GRADE}.`)}</p>`,
      introformat: 1, timeopen: 0, timeclose: 0, timelimit: 0, overduehandling: 'autosubmit', graceperiod: 86400,
      preferredbehaviour: 'deferredfeedback', canredoquestions: 0, attempts_number: 0, attemptonlast: 0, grademethod: 1,
      decimalpoints: 2, questiondecimalpoints: -1, reviewattempt: 69904, reviewcorrectness: 69904, reviewmaxmarks: 69904,
      reviewmarks: 69904, reviewspecificfeedback: 69904, reviewgeneralfeedback: 69904, reviewrightanswer: 69904,
      reviewoverallfeedback: 4368, questionsperpage: 1, navmethod: 'free', shuffleanswers: 1,
      sumgrades: module.quiz.length.toFixed(5), grade: QUIZ_GRADE.toFixed(5), timecreated: time, timemodified: time,
      password: '', subnet: '', browsersecurity: '', delay1: 0, delay2: 0, showuserpicture: 0, showblocks: 0,
      completionattemptsexhausted: 0, completionminattempts: 0, allowofflineattempts: 0, precreateattempts: NULL,
    },
    '    ',
  );
  const slots = module.quiz
    .map((_, i) => {
      const id = ids.firstQuestionId + i;
      return `      <question_instance id="${id}">
${fields({ quizid: ids.quizId, slot: i + 1, page: i + 1, displaynumber: NULL, requireprevious: 0, maxmark: '1.0000000', quizgradeitemid: NULL }, '        ')}
        <question_reference id="${id}">
${fields({ usingcontextid: ids.contextId, component: 'mod_quiz', questionarea: 'slot', questionbankentryid: id, version: NULL }, '          ')}
        </question_reference>
      </question_instance>`;
    })
    .join('\n');
  return `  <quiz id="${ids.quizId}">
${record}
    <subplugin_quizaccess_seb_quiz>
    </subplugin_quizaccess_seb_quiz>
    <quiz_grade_items>
    </quiz_grade_items>
    <question_instances>
${slots}
    </question_instances>
    <sections>
      <section id="${ids.quizId}">
        <firstslot>1</firstslot>
        <heading></heading>
        <shufflequestions>0</shufflequestions>
      </section>
    </sections>
    <feedbacks>
    </feedbacks>
    <overrides>
    </overrides>
    <grades>
    </grades>
    <attempts>
    </attempts>
  </quiz>`;
}

export function quizGradeItemXml(name: string, idnumber: string, ids: QuizIds, sortorder: number, time: number): string {
  return `    <grade_item id="${ids.gradeItemId}">
${fields(
  {
    categoryid: ids.gradeCategoryId, itemname: name, itemtype: 'mod', itemmodule: 'quiz', iteminstance: ids.quizId, itemnumber: 0,
    iteminfo: NULL, idnumber, calculation: NULL, gradetype: 1, grademax: QUIZ_GRADE.toFixed(5), grademin: '0.00000', scaleid: NULL,
    outcomeid: NULL, gradepass: QUIZ_PASS_GRADE.toFixed(5), multfactor: '1.00000', plusfactor: '0.00000', aggregationcoef: '0.00000',
    aggregationcoef2: '1.00000', weightoverride: 0, sortorder, display: 0, decimals: NULL, hidden: 0, locked: 0, locktime: 0,
    needsupdate: 0, timecreated: time, timemodified: time,
  },
  '      ',
)}
      <grade_grades>
      </grade_grades>
    </grade_item>
`;
}

export function quizInforefXml(ids: QuizIds): string {
  return `  <grade_itemref>
    <grade_item>
      <id>${ids.gradeItemId}</id>
    </grade_item>
  </grade_itemref>
  <question_categoryref>
    <question_category>
      <id>${ids.topCategoryId}</id>
    </question_category>
    <question_category>
      <id>${ids.topCategoryId + 1}</id>
    </question_category>
  </question_categoryref>
`;
}

/** The quiz's two question categories (top, then the module's) for questions.xml. */
export function questionCategoriesXml(module: CurriculumModule, ids: QuizIds, time: number): string {
  const category = (id: number, record: Record<string, string | number | typeof NULL>, entries: string) => `  <question_category id="${id}">
${fields(record, '    ')}
    <question_bank_entries>
${entries}    </question_bank_entries>
  </question_category>
`;
  const context = { contextid: ids.contextId, contextlevel: 70, contextinstanceid: ids.moduleId };
  const top = category(ids.topCategoryId, { name: 'top', ...context, info: '', infoformat: 0, stamp: `pollen+${module.slug}+top`, parent: 0, sortorder: 0, idnumber: NULL }, '');
  const entries = module.quiz.map((question, i) => questionEntryXml(module, question, i, ids, time)).join('');
  const own = category(
    ids.topCategoryId + 1,
    { name: `Quiz : ${module.title}`, ...context, info: '', infoformat: 1, stamp: `pollen+${module.slug}+quiz`, parent: ids.topCategoryId, sortorder: 999, idnumber: NULL },
    entries,
  );
  return top + own;
}

/**
 * A choice's share of the question's mark, as Moodle's multichoice stores it: 1 for the right
 * choice of a single-choice question; for a multiple-choice one (single = 0, checkboxes), each
 * right box 1/n of the mark and each wrong box -1, so ticking every box scores nothing (Moodle
 * then clamps the sum between 0 and 1; its partial credit for some right boxes and no wrong one
 * is Moodle's own rule, Pollen's quiz counting only all of them).
 */
export function answerFraction(q: Pick<QuizQuestion, 'answers' | 'multiple'>, choice: number): string {
  if (!q.answers.includes(choice)) return q.multiple ? '-1.0000000' : '0.0000000';
  return (1 / q.answers.length).toFixed(7);
}

function questionEntryXml(module: CurriculumModule, q: CurriculumModule['quiz'][number], index: number, ids: QuizIds, time: number): string {
  const id = ids.firstQuestionId + index;
  const answers = q.choices
    .map((choice, c) => `                    <answer id="${id * 100 + c}">
${fields({ answertext: `<p>${escapeText(choice)}</p>`, answerformat: 1, fraction: answerFraction(q, c), feedback: q.answers.includes(c) ? `<p>${escapeText(q.explanation)}</p>` : '', feedbackformat: 1 }, '                      ')}
                    </answer>`)
    .join('\n');
  return `      <question_bank_entry id="${id}">
${fields({ questioncategoryid: ids.topCategoryId + 1, idnumber: `${module.slug}-q${index + 1}`, ownerid: NULL }, '        ')}
        <question_version>
          <question_versions id="${id}">
            <version>1</version>
            <status>ready</status>
            <questions>
              <question id="${id}">
${fields(
  {
    parent: 0, name: `${module.slug} : question ${index + 1}`, questiontext: `<p>${escapeText(q.question)}</p>`, questiontextformat: 1,
    generalfeedback: `<p>${escapeText(q.explanation)}</p>`, generalfeedbackformat: 1, defaultmark: '1.0000000', penalty: '0.3333333',
    qtype: 'multichoice', length: 1, stamp: `pollen+${module.slug}+q${index + 1}`, timecreated: time, timemodified: time,
    createdby: NULL, modifiedby: NULL,
  },
  '                ',
)}
                <plugin_qtype_multichoice_question>
                  <answers>
${answers}
                  </answers>
                  <multichoice id="${id}">
${fields(
  {
    layout: 0, single: q.multiple ? 0 : 1, shuffleanswers: 1, correctfeedback: '', correctfeedbackformat: 1, partiallycorrectfeedback: '',
    partiallycorrectfeedbackformat: 1, incorrectfeedback: '', incorrectfeedbackformat: 1, answernumbering: 'abc', shownumcorrect: 0,
    // « Sélectionnez une ou plusieurs réponses » for a multiple-choice question.
    showstandardinstruction: q.multiple ? 1 : 0,
  },
  '                    ',
)}
                  </multichoice>
                </plugin_qtype_multichoice_question>
                <question_hints>
                </question_hints>
                <tags>
                </tags>
              </question>
            </questions>
          </question_versions>
        </question_version>
      </question_bank_entry>
`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
