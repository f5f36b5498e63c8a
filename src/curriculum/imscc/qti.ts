import { escapeHtml } from '../html.js';
import type { CurriculumModule, QuizQuestion } from '../schema.js';
import { attributes, textElement, xmlId, XML_DECLARATION } from './xml.js';

/**
 * A module's quiz as a QTI 1.2.1 assessment following the Common Cartridge 1.1 QTI profile:
 * `cc.exam.v0p1` assessment, one `cc.multiple_choice.v0p1` item per single-choice question (SCORE
 * set to 100 by the right choice) or `cc.multiple_response.v0p1` per multiple-choice one
 * (rcardinality Multiple; SCORE set to 100 by every right label and none of the others: an `<and>`
 * of `varequal`s and `<not><varequal>`s, `case="Yes"` as Moodle's importer reads them to weigh each
 * right box 1/n), the explanation as general feedback (a `continue="Yes"` condition on `<other/>`).
 */

export const QTI_NAMESPACE = 'http://www.imsglobal.org/xsd/ims_qtiasiv1p2';
const QTI_SCHEMA_LOCATION = 'http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd';
const RESPONSE_ID = 'response1';

function metadataFields(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields
    .map(([label, entry]) => `<qtimetadatafield>${textElement('fieldlabel', label)}${textElement('fieldentry', entry)}</qtimetadatafield>`)
    .join('');
}

/**
 * Text as ASCII-only HTML: HTML-escaped, and every non-ASCII character as a numeric character reference.
 * Moodle's CC importer runs question text through PHP's DOMDocument::loadHTML, which reads a fragment
 * without a charset as ISO-8859-1: raw UTF-8 accents would come out garbled, references come out right.
 */
export function asciiHtml(text: string): string {
  return escapeHtml(text).replace(/[^\x00-\x7F]/gu, (c) => `&#${c.codePointAt(0)};`);
}

/** mattext declared as HTML: the text is made ASCII-only HTML, then XML-escaped, so learners see it verbatim. */
function htmlMaterial(text: string): string {
  return `<material>${textElement('mattext', asciiHtml(text), { texttype: 'text/html' })}</material>`;
}

export function choiceId(module: CurriculumModule, questionIndex: number, choiceIndex: number): string {
  return xmlId('Q', module.slug, questionIndex + 1, 'choix', choiceIndex + 1);
}

/** What scores 100: the right label (single choice), or every right label and no other (multiple choice). */
function rightCondition(module: CurriculumModule, question: QuizQuestion, index: number): string {
  if (!question.multiple) return textElement('varequal', choiceId(module, index, question.answers[0]!), { respident: RESPONSE_ID });
  const tests = question.choices.map((_, c) => {
    const test = textElement('varequal', choiceId(module, index, c), { respident: RESPONSE_ID, case: 'Yes' });
    return question.answers.includes(c) ? test : `<not>${test}</not>`;
  });
  return `<and>${tests.join('')}</and>`;
}

function renderItem(module: CurriculumModule, question: QuizQuestion, index: number): string {
  const itemId = xmlId('Q', module.slug, index + 1);
  const labels = question.choices
    .map((choice, c) => `<response_label${attributes({ ident: choiceId(module, index, c) })}>${htmlMaterial(choice)}</response_label>`)
    .join('\n            ');
  return `
    <item${attributes({ ident: itemId, title: `${module.title} – question ${index + 1}` })}>
      <itemmetadata><qtimetadata>${metadataFields([
        ['cc_profile', question.multiple ? 'cc.multiple_response.v0p1' : 'cc.multiple_choice.v0p1'],
        ['cc_weighting', '1'],
      ])}</qtimetadata></itemmetadata>
      <presentation>
        ${htmlMaterial(question.question)}
        <response_lid${attributes({ ident: RESPONSE_ID, rcardinality: question.multiple ? 'Multiple' : 'Single' })}>
          <render_choice shuffle="No">
            ${labels}
          </render_choice>
        </response_lid>
      </presentation>
      <resprocessing>
        <outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
        <respcondition continue="Yes">
          <conditionvar><other/></conditionvar>
          <displayfeedback feedbacktype="Response" linkrefid="general_fb"/>
        </respcondition>
        <respcondition continue="No">
          <conditionvar>${rightCondition(module, question, index)}</conditionvar>
          <setvar varname="SCORE" action="Set">100</setvar>
          <displayfeedback feedbacktype="Response" linkrefid="correct_fb"/>
        </respcondition>
      </resprocessing>
      <itemfeedback ident="general_fb"><flow_mat>${htmlMaterial(question.explanation)}</flow_mat></itemfeedback>
      <itemfeedback ident="correct_fb"><flow_mat>${htmlMaterial('Bonne réponse !')}</flow_mat></itemfeedback>
    </item>`;
}

export function quizTitle(module: CurriculumModule): string {
  return `Module ${module.order} : ${module.title} – quiz`;
}

export function renderAssessment(module: CurriculumModule): string {
  const items = module.quiz.map((q, i) => renderItem(module, q, i)).join('');
  return `${XML_DECLARATION}
<questestinterop xmlns="${QTI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${QTI_NAMESPACE} ${QTI_SCHEMA_LOCATION}">
  <assessment${attributes({ ident: xmlId('A', module.slug), title: quizTitle(module) })}>
    <qtimetadata>${metadataFields([
      ['cc_profile', 'cc.exam.v0p1'],
      ['qmd_assessmenttype', 'Examination'],
      ['qmd_scoretype', 'Percentage'],
      ['qmd_feedbackpermitted', 'Yes'],
      ['qmd_hintspermitted', 'No'],
      ['qmd_solutionspermitted', 'Yes'],
      ['cc_maxattempts', 'unlimited'],
    ])}</qtimetadata>
    <section${attributes({ ident: xmlId('S', module.slug, 'quiz') })}>${items}
    </section>
  </assessment>
</questestinterop>
`;
}

