import { strFromU8, unzipSync } from 'fflate';
import { renderModulePage } from '../../src/curriculum/html.js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activityTitles, buildCartridge, CC_NAMESPACE, exportImscc, LOM_MANIFEST_NAMESPACE, LOM_RESOURCE_NAMESPACE, PRESENTATION_TITLE } from '../../src/curriculum/imscc/index.js';
import { assertSectionTitle } from '../../src/curriculum/imscc/manifest.js';
import { asciiHtml } from '../../src/curriculum/imscc/qti.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/curriculum/valid');
const REAL_DIR = path.resolve(import.meta.dirname, '../../course-modules');
const WIKI = 'http://127.0.0.1:8080/index.php/';

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['item', 'resource', 'file', 'response_label', 'respcondition'].includes(name),
});

function asNode(value: unknown): Node {
  return value as Node;
}

/** Every organization item, depth first, with its depth (1 = the root item). */
function items(node: Node, depth = 1): Array<{ item: Node; depth: number }> {
  return ((node.item as Node[] | undefined) ?? []).flatMap((item) => [{ item, depth }, ...items(item, depth + 1)]);
}

/** Undoes {@link asciiHtml} (numeric references and the five escapes), to compare mattext with the source text. */
function decodeHtml(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

let modules: CurriculumModule[];
let zip: Uint8Array;
let entries: Record<string, Uint8Array>;
let manifestXml: string;
let manifest: Node;

beforeAll(async () => {
  modules = await loadCurriculum(FIXTURES);
  zip = exportImscc(modules, { wikiBaseUrl: WIKI, courseTitle: 'Parcours <test> & "essai"' });
  entries = unzipSync(zip);
  manifestXml = strFromU8(entries['imsmanifest.xml']!);
  manifest = asNode(parser.parse(manifestXml).manifest);
});

describe('IMS Common Cartridge export', () => {
  it('puts a well-formed imsmanifest.xml at the root of the zip', () => {
    expect(Object.keys(entries)[0]).toBe('imsmanifest.xml');
    expect(XMLValidator.validate(manifestXml)).toBe(true);
  });

  it('declares the CC 1.1 namespaces, schema locations and metadata', () => {
    expect(manifest['@_xmlns']).toBe(CC_NAMESPACE);
    expect(manifest['@_xmlns:lomimscc']).toBe(LOM_MANIFEST_NAMESPACE);
    expect(manifest['@_xmlns:lom']).toBe(LOM_RESOURCE_NAMESPACE);
    expect(manifest['@_xsi:schemaLocation']).toContain(`${CC_NAMESPACE} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd`);
    const metadata = asNode(manifest.metadata);
    expect(metadata.schema).toBe('IMS Common Cartridge');
    expect(metadata.schemaversion).toBe('1.1.0');
    // Moodle recognises CC 1.1 from the default namespace within the manifest's first 500 bytes.
    expect(manifestXml.slice(0, 500)).toContain(`xmlns="${CC_NAMESPACE}"`);
  });

  it('escapes XML special characters in titles', () => {
    expect(manifestXml).toContain('Parcours &lt;test&gt; &amp; &quot;essai&quot;');
    const general = asNode(asNode(asNode(manifest.metadata)['lomimscc:lom'])['lomimscc:general']);
    expect(asNode(asNode(general['lomimscc:title'])['lomimscc:string'])['#text']).toBe('Parcours <test> & "essai"');
    expect(manifestXml).toContain('<title>Module 1 : Le logiciel libre &amp; ses « quatre libertés »</title>');
    for (const [name, bytes] of Object.entries(entries)) {
      if (name.endsWith('.xml')) expect(XMLValidator.validate(strFromU8(bytes)), name).toBe(true);
    }
  });

  it('has one rooted organization: an untitled root, the presentation then one section per group, activities right below', () => {
    const organization = asNode(asNode(manifest.organizations).organization);
    expect(organization['@_structure']).toBe('rooted-hierarchy');
    const root = (organization.item as Node[])[0]!;
    expect(root.title).toBeUndefined();
    const sections = (root.item as Node[]).map((s) => s.title);
    expect(sections).toEqual([PRESENTATION_TITLE, 'Les communs', 'Communication externe']);
    const all = items(root);
    const leaves = all.filter(({ item }) => item['@_identifierref'] !== undefined);
    expect(leaves).toHaveLength(1 + modules.length * 3);
    for (const { item, depth } of all) {
      expect(typeof item.title, String(item['@_identifier'])).toBe('string');
      // CC 1.1: an item that points at a resource has no child items.
      if (item['@_identifierref'] !== undefined) expect(item.item, String(item['@_identifier'])).toBeUndefined();
      // Sections at depth 1 under the root, activities at depth 2; nothing deeper.
      expect(item['@_identifierref'] !== undefined, String(item['@_identifier'])).toBe(depth === 2);
    }
  });

  it('titles every activity with its module: number and title on the page, the wiki link and the quiz', () => {
    const root = (asNode(asNode(manifest.organizations).organization).item as Node[])[0]!;
    const communs = (root.item as Node[])[1]!;
    expect((communs.item as Node[]).map((i) => i.title)).toEqual([
      'Module 1 : Le logiciel libre & ses « quatre libertés »',
      'Module 1 : Le logiciel libre & ses « quatre libertés » – page du wiki',
      'Module 1 : Le logiciel libre & ses « quatre libertés » – quiz',
      'Module 2 : Les données ouvertes',
      'Module 2 : Les données ouvertes – page du wiki',
      'Module 2 : Les données ouvertes – quiz',
    ]);
    for (const module of modules) {
      const titles = activityTitles(module);
      for (const title of Object.values(titles)) expect(title.startsWith(`Module ${module.order} : ${module.title}`), title).toBe(true);
      const qti = rootOf(strFromU8(entries[`${module.file.replace(/\.md$/, '')}/assessment.xml`]!));
      expect(attrs(child(qti, 'assessment'))['@_title']).toBe(titles.quiz);
    }
  });

  it('opens with a French presentation page: the description with a decimal comma, groups and modules in order', () => {
    const html = strFromU8(entries['presentation.html']!);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Parcours &lt;test&gt; &amp; &quot;essai&quot;</h1>');
    // 45 + 40 + 60 minutes: 2,4 hours, written the French way.
    expect(html).toMatch(/en 3 modules \(environ 2,4 heures\)/);
    expect(manifestXml).toMatch(/environ 2,4 heures/);
    expect(manifestXml).not.toMatch(/environ \d+\.\d heures/);
    const order = ['<h2>Les communs</h2>', 'Module 1 : Le logiciel libre &amp; ses « quatre libertés »', 'Module 2 : Les données ouvertes', '<h2>Communication externe</h2>', 'Module 3 :'];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p >= 0), JSON.stringify(positions)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('points every organization item at an existing resource', () => {
    const resources = asNode(manifest.resources).resource as Node[];
    const ids = new Set(resources.map((r) => r['@_identifier']));
    const organization = asNode(asNode(manifest.organizations).organization);
    for (const { item } of items(organization, 0)) {
      const ref = item['@_identifierref'];
      if (ref !== undefined) expect(ids.has(ref), String(ref)).toBe(true);
    }
  });

  it('ships every file and href the manifest references', () => {
    const resources = asNode(manifest.resources).resource as Node[];
    for (const resource of resources) {
      const files = (resource.file as Node[]).map((f) => String(f['@_href']));
      expect(files).toHaveLength(1);
      for (const f of files) expect(entries[f], f).toBeDefined();
      if (resource['@_href'] !== undefined) {
        expect(resource['@_type']).toBe('webcontent');
        expect(files).toContain(resource['@_href']);
      }
    }
    expect(Object.keys(entries)).toHaveLength(1 + resources.length);
  });

  it('uses stable identifiers derived from the slugs, valid as XML IDs', () => {
    const resources = asNode(manifest.resources).resource as Node[];
    expect(resources.map((r) => [r['@_identifier'], r['@_type']]).slice(0, 4)).toEqual([
      ['R_presentation_page', 'webcontent'],
      ['R_logiciel-libre_page', 'webcontent'],
      ['R_logiciel-libre_wiki', 'imswl_xmlv1p1'],
      ['R_logiciel-libre_quiz', 'imsqti_xmlv1p2/imscc_xmlv1p1/assessment'],
    ]);
    for (const id of manifestXml.matchAll(/identifier(?:ref)?="([^"]*)"/g)) expect(id[1]).toMatch(/^[A-Za-z_][\w.-]*$/);
  });

  it('produces byte-identical packages from the same modules', () => {
    const again = exportImscc(modules, { wikiBaseUrl: WIKI, courseTitle: 'Parcours <test> & "essai"' });
    expect(Buffer.from(again).equals(Buffer.from(zip))).toBe(true);
    const reloadedOrder = exportImscc([...modules].reverse(), { wikiBaseUrl: WIKI, courseTitle: 'Parcours <test> & "essai"' });
    expect(Buffer.from(reloadedOrder).equals(Buffer.from(zip))).toBe(true);
  });

  it('links each module to its wiki page', () => {
    const link = asNode(parser.parse(strFromU8(entries['01-logiciel-libre/lien-wiki.xml']!)).webLink);
    expect(link['@_xmlns']).toBe('http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1');
    expect(asNode(link.url)['@_href']).toBe(`${WIKI}Parcours/Le_logiciel_libre`);
    expect(asNode(link.url)['@_target']).toBe('_blank');
  });

  it('renders a French lesson page with summary, objectives, time, prerequisites, activities and body', () => {
    const html = strFromU8(entries['02-donnees-ouvertes/lecon.html']!);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('charset=utf-8');
    expect(html).toContain('Ce que sont les données ouvertes');
    expect(html).toContain('<li>Définir une donnée ouverte</li>');
    expect(html).toContain('<strong>Durée estimée :</strong> 40 min');
    expect(html).toContain('<li>Le logiciel libre &amp; ses « quatre libertés »</li>');
    expect(html).toContain('Contribuer au wiki : Référencer le jeu de données');
    expect(html).toContain('<h2>Leçon</h2>\n<p>Les données ouvertes (open data)');
    expect(strFromU8(entries['01-logiciel-libre/lecon.html']!)).toContain('<h3>Pourquoi');
  });

  it('writes a multiple-choice question as cc.multiple_response: SCORE 100 for every right label and none of the others', () => {
    const module = modules.find((m) => m.slug === 'atelier-reseaux')!;
    const index = module.quiz.findIndex((q) => q.multiple);
    const quiz = module.quiz[index]!;
    expect(quiz.answers).toEqual([0, 2]);
    const qti = asNode(parser.parse(strFromU8(entries[`${String(module.order).padStart(2, '0')}-${module.slug}/assessment.xml`]!)).questestinterop);
    const item = (asNode(asNode(qti.assessment).section).item as Node[])[index]!;
    expect(JSON.stringify(item.itemmetadata)).toContain('cc.multiple_response.v0p1');
    const lid = asNode(asNode(item.presentation).response_lid);
    expect(lid['@_rcardinality']).toBe('Multiple');
    const labels = (asNode(lid.render_choice).response_label as Node[]).map((l) => l['@_ident']);
    const scoring = (asNode(item.resprocessing).respcondition as Node[]).find((c) => c.setvar !== undefined)!;
    expect(asNode(scoring.setvar)['#text']).toBe(100);
    const all = asNode(asNode(scoring.conditionvar).and);
    // Moodle's importer weighs each right box 1/n: the varequal case="Yes" outside a <not>.
    const rightOnes = (all.varequal as Node[]).map((v) => [v['#text'], v['@_case']]);
    expect(rightOnes).toEqual([[labels[0], 'Yes'], [labels[2], 'Yes']]);
    expect(asNode(asNode(all.not).varequal)['#text']).toBe(labels[1]);
    // A lesson page with its quiz inline (no quizNote) says so, and its answer block names both right choices.
    const lesson = renderModulePage(module);
    expect(lesson).toContain('<p><em>Plusieurs réponses sont justes.</em></p>');
    expect(lesson).toContain(`<details><summary>Réponses</summary><p>${quiz.choices[0]} ; ${quiz.choices[2]} : `);
  });

  it('writes each quiz as a CC 1.1 QTI assessment that scores the right choice 100 and explains it', () => {
    const qti = asNode(parser.parse(strFromU8(entries['02-donnees-ouvertes/assessment.xml']!)).questestinterop);
    expect(qti['@_xmlns']).toBe('http://www.imsglobal.org/xsd/ims_qtiasiv1p2');
    const assessment = asNode(qti.assessment);
    const questions = asNode(assessment.section).item as Node[];
    const module = modules[1]!;
    expect(questions).toHaveLength(module.quiz.length);
    questions.forEach((item, i) => {
      const quiz = module.quiz[i]!;
      expect(JSON.stringify(item.itemmetadata)).toContain('cc.multiple_choice.v0p1');
      const lid = asNode(asNode(item.presentation).response_lid);
      expect(lid['@_rcardinality']).toBe('Single');
      const labels = asNode(lid.render_choice).response_label as Node[];
      expect(labels.map((l) => decodeHtml(String(asNode(asNode(l.material).mattext)['#text'])))).toEqual(quiz.choices);
      const conditions = asNode(item.resprocessing).respcondition as Node[];
      const scoring = conditions.find((c) => c.setvar !== undefined)!;
      expect(asNode(scoring.setvar)['#text']).toBe(100);
      expect(asNode(asNode(scoring.conditionvar).varequal)['#text']).toBe(labels[quiz.answers[0]!]!['@_ident']);
      const general = conditions.find((c) => c['@_continue'] === 'Yes')!;
      expect(asNode(general.displayfeedback)['@_linkrefid']).toBe('general_fb');
      // mattext is declared text/html, so the explanation is stored HTML-escaped.
      expect(decodeHtml(JSON.stringify(item.itemfeedback))).toContain(JSON.stringify(quiz.explanation).slice(1, -1));
    });
  });

  it('counts what it packs', () => {
    expect(buildCartridge(modules).counts).toEqual({ modules: 3, sections: 2, pages: 3, webLinks: 3, quizzes: 3, questions: 9 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Rules of the CC 1.1 XSDs (imscp profile, imswl, QTI profile and its schematron) and of Moodle's importer
// (backup/cc: cc112moodle, entity11.*), checked on the package itself so that no schema file is needed here.
// ---------------------------------------------------------------------------------------------------------

/** Element tree keeping document order (fast-xml-parser preserveOrder form). */
type ONode = Record<string, unknown>;
const orderedParser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_' });

function tagOf(node: ONode): string {
  return Object.keys(node).find((k) => k !== ':@')!;
}
function attrs(node: ONode): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {};
}
/** Child elements in document order (text nodes left out). */
function children(node: ONode): ONode[] {
  const content = node[tagOf(node)];
  return Array.isArray(content) ? (content as ONode[]).filter((c) => tagOf(c) !== '#text') : [];
}
function names(node: ONode): string[] {
  return children(node).map(tagOf);
}
function child(node: ONode, name: string): ONode {
  const found = children(node).find((c) => tagOf(c) === name);
  if (!found) throw new Error(`no <${name}> in <${tagOf(node)}>`);
  return found;
}
function textOf(node: ONode): string {
  const content = node[tagOf(node)] as ONode[];
  return content.map((c) => (c['#text'] === undefined ? '' : String(c['#text']))).join('');
}
function rootOf(xml: string): ONode {
  return (orderedParser.parse(xml) as ONode[]).find((n) => tagOf(n) !== '?xml')!;
}
function descendants(node: ONode, name: string): ONode[] {
  return children(node).flatMap((c) => [...(tagOf(c) === name ? [c] : []), ...descendants(c, name)]);
}
/** Matches a whole sequence of element names against a pattern such as `title(item)*`. */
function sequence(list: string[]): string {
  return list.map((n) => `<${n}>`).join('');
}

describe('CC 1.1 schema rules (imscp_v1p2 profile)', () => {
  it('keeps the manifest content model in schema order', () => {
    const root = rootOf(manifestXml);
    expect(tagOf(root)).toBe('manifest');
    expect(attrs(root)['@_identifier']).toBeTruthy();
    expect(names(root)).toEqual(['metadata', 'organizations', 'resources']);
    expect(names(child(root, 'metadata'))).toEqual(['schema', 'schemaversion', 'lomimscc:lom']);
    const organizations = child(root, 'organizations');
    expect(names(organizations)).toEqual(['organization']);
    const organization = child(organizations, 'organization');
    // structure is required and fixed to rooted-hierarchy; exactly one top item, and that one has no title.
    expect(attrs(organization)['@_structure']).toBe('rooted-hierarchy');
    expect(names(organization)).toEqual(['item']);
    const top = child(organization, 'item');
    expect(names(top).every((n) => n === 'item')).toBe(true);
    expect(attrs(top)['@_identifierref']).toBeUndefined();
    // Every other item: exactly one title, first, then only child items.
    for (const item of descendants(top, 'item')) {
      expect(sequence(names(item)), attrs(item)['@_identifier']).toMatch(/^<title>(<item>)*$/);
    }
  });

  it('declares resources the CC 1.1 way: known type, file elements only, href only on web content', () => {
    const resources = children(child(rootOf(manifestXml), 'resources'));
    const allowed = [
      'webcontent',
      'imsqti_xmlv1p2/imscc_xmlv1p1/assessment',
      'imsqti_xmlv1p2/imscc_xmlv1p1/question-bank',
      'associatedcontent/imscc_xmlv1p1/learning-application-resource',
      'imsdt_xmlv1p1',
      'imswl_xmlv1p1',
      'imsbasiclti_xmlv1p0',
    ];
    for (const resource of resources) {
      const a = attrs(resource);
      expect(allowed, a['@_identifier']).toContain(a['@_type']);
      // Resource.Type is (metadata?, file*, dependency*); we only ship files.
      expect(names(resource).every((n) => n === 'file'), a['@_identifier']).toBe(true);
      if (a['@_type'] !== 'webcontent') {
        // Schematron rules 2a-2c / 3a-3c: links and assessments have exactly one file and no href.
        expect(a['@_href'], a['@_identifier']).toBeUndefined();
        expect(children(resource), a['@_identifier']).toHaveLength(1);
      }
    }
  });

  it('uses each identifier once (xs:ID) and points every identifierref at a resource (xs:IDREF)', () => {
    const ids = [...manifestXml.matchAll(/ identifier="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of manifestXml.matchAll(/ identifierref="([^"]*)"/g)) expect(ids).toContain(ref[1]);
  });

  it('writes web links as <webLink> with title then url, url carrying href', () => {
    for (const [name, bytes] of Object.entries(entries)) {
      if (!name.endsWith('lien-wiki.xml')) continue;
      const link = rootOf(strFromU8(bytes));
      expect(tagOf(link), name).toBe('webLink');
      expect(names(link), name).toEqual(['title', 'url']);
      expect(attrs(child(link, 'url'))['@_href'], name).toBeTruthy();
    }
  });
});

describe("Moodle's CC 1.1 importer (backup/cc)", () => {
  it('is recognised as CC 1.1: default namespace in the first 500 bytes, once spaces and quotes are removed', () => {
    // imscc11_converter::detect_format reads 500 bytes, lower-cases, drops whitespace and quotes, then searches.
    const snippet = manifestXml.slice(0, 500).toLowerCase().replace(/\s*/g, '').replace(/['"]/g, '');
    expect(snippet).toContain('xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1');
  });

  it('puts sections at depth 2 and activities at depth 3 (ROOT_DEEP = 2), with no resource-less item that would become a files.gif label', () => {
    const top = child(child(child(rootOf(manifestXml), 'organizations'), 'organization'), 'item');
    const sections = children(top);
    // cc2moodle numbers sections from 0: the presentation takes section 0 ("General"), the groups follow.
    expect(attrs(sections[0]!)['@_identifier']).toBe('I_presentation');
    for (const section of sections) {
      expect(attrs(section)['@_identifierref']).toBeUndefined();
      const leaves = children(section).filter((c) => tagOf(c) === 'item');
      expect(leaves.length).toBeGreaterThan(0);
      for (const leaf of leaves) {
        expect(attrs(leaf)['@_identifierref']).toBeDefined();
        expect(names(leaf)).toEqual(['title']);
      }
    }
    // entities11::get_all_files copies pix/i/files.gif (absent since Moodle 4) for any such item.
    expect(manifestXml).not.toMatch(/<item identifier="[^"]*">\s*<title>[^<]*<\/title>\s*<item[^>]*>\s*<title>[^<]*<\/title>\s*<item/);
  });

  it('refuses section titles the importer would put unescaped into the section\'s HTML summary', () => {
    expect(assertSectionTitle('Communication externe')).toBe('Communication externe');
    expect(() => assertSectionTitle('Outils & usages')).toThrow(/must not contain/);
    expect(() => assertSectionTitle('a <b>')).toThrow(/must not contain/);
  });

  it('gives web link URLs the syntax validateUrlSyntax accepts, else Moodle stores http://invalidurldetected/', () => {
    const segment = "(?:[A-Za-z0-9_.!~*'()\\-:@&=+$,;]|%[0-9A-Fa-f]{2})*";
    const url = new RegExp(`^https?://[A-Za-z0-9.-]+(?::\\d{1,5})?(?:/${segment})*$`);
    for (const [name, bytes] of Object.entries(entries)) {
      if (!name.endsWith('lien-wiki.xml')) continue;
      const href = String(asNode(asNode(parser.parse(strFromU8(bytes)).webLink).url)['@_href']);
      expect(href, name).toMatch(url);
    }
  });
});

describe('CC 1.1 QTI profile (XSD and schematron rule sets 1, 2, 4, 12, 13)', () => {
  const assessmentLabels: Record<string, RegExp> = {
    cc_profile: /^cc\.exam\.v0p1$/,
    qmd_assessmenttype: /^Examination$/,
    qmd_scoretype: /^Percentage$/,
    qmd_feedbackpermitted: /^(Yes|No)$/,
    qmd_hintspermitted: /^(Yes|No)$/,
    qmd_solutionspermitted: /^(Yes|No)$/,
    qmd_timelimit: /^\d+$/,
    cc_allow_late_submission: /^(Yes|No)$/,
    cc_maxattempts: /^(Examination|[1-5]|unlimited)$/,
  };

  function metadata(qtimetadata: ONode): Array<[string, string]> {
    return children(qtimetadata).map((f) => {
      expect(names(f)).toEqual(['fieldlabel', 'fieldentry']);
      return [textOf(child(f, 'fieldlabel')), textOf(child(f, 'fieldentry'))];
    });
  }

  /** `minChoices`: schematron rule 4d wants at least three labels on a cc.multiple_choice item (the schema enforces it too). */
  function checkAssessment(name: string, xml: string, minChoices: number): void {
    const root = rootOf(xml);
    expect(tagOf(root), name).toBe('questestinterop');
    expect(names(root), name).toEqual(['assessment']);
    const assessment = child(root, 'assessment');
    expect(attrs(assessment)['@_ident'], name).toBeTruthy();
    expect(attrs(assessment)['@_title'], name).toBeTruthy();
    expect(names(assessment), name).toEqual(['qtimetadata', 'section']);
    const fields = metadata(child(assessment, 'qtimetadata'));
    for (const [label, entry] of fields) expect(entry, `${name} ${label}`).toMatch(assessmentLabels[label] ?? /^(?!)/);
    expect(new Set(fields.map(([l]) => l)).size, name).toBe(fields.length);

    const section = child(assessment, 'section');
    expect(names(section).length, name).toBeGreaterThan(0);
    expect(names(section).every((n) => n === 'item'), name).toBe(true);
    const idents = children(section).map((i) => attrs(i)['@_ident']);
    expect(new Set(idents).size, name).toBe(idents.length);

    for (const item of children(section)) {
      const where = `${name} ${attrs(item)['@_ident']}`;
      expect(sequence(names(item)), where).toMatch(/^<itemmetadata><presentation><resprocessing>(<itemfeedback>)*$/);
      const itemFields = new Map(metadata(child(child(item, 'itemmetadata'), 'qtimetadata')));
      const multiple = itemFields.get('cc_profile') === 'cc.multiple_response.v0p1';
      if (!multiple) expect(itemFields.get('cc_profile'), where).toBe('cc.multiple_choice.v0p1');
      expect(itemFields.get('cc_weighting'), where).toMatch(/^[1-9]\d?$/);

      const lid = child(child(item, 'presentation'), 'response_lid');
      expect(attrs(lid)['@_rcardinality'], where).toBe(multiple ? 'Multiple' : 'Single');
      const labels = children(child(lid, 'render_choice'));
      expect(labels.every((l) => tagOf(l) === 'response_label'), where).toBe(true);
      expect(labels.length, where).toBeGreaterThanOrEqual(minChoices);
      const labelIds = labels.map((l) => attrs(l)['@_ident']);

      const resprocessing = child(item, 'resprocessing');
      expect(names(resprocessing)[0], where).toBe('outcomes');
      expect(names(resprocessing).slice(1).every((n) => n === 'respcondition'), where).toBe(true);
      const decvars = children(child(resprocessing, 'outcomes'));
      expect(decvars.map((d) => [tagOf(d), attrs(d)['@_varname']]), where).toEqual([['decvar', 'SCORE']]);
      const triggered = new Set<string>();
      for (const condition of children(resprocessing).slice(1)) {
        expect(sequence(names(condition)), where).toMatch(/^<conditionvar>(<setvar>)*(<displayfeedback>)*$/);
        for (const varequal of descendants(condition, 'varequal')) {
          // Rule 4e: varequal tests the response_lid, on one of its labels.
          expect(attrs(varequal)['@_respident'], where).toBe(attrs(lid)['@_ident']);
          expect(labelIds, where).toContain(textOf(varequal));
        }
        for (const setvar of descendants(condition, 'setvar')) expect(attrs(setvar)['@_action'] ?? 'Set', where).toBe('Set');
        for (const feedback of descendants(condition, 'displayfeedback')) {
          expect(attrs(feedback)['@_feedbacktype'], where).toBe('Response');
          triggered.add(attrs(feedback)['@_linkrefid']!);
        }
      }
      // Rules 12c and 12d: each Response trigger has its itemfeedback, each itemfeedback has a trigger.
      const feedbackIds = children(item).filter((c) => tagOf(c) === 'itemfeedback').map((f) => attrs(f)['@_ident']);
      expect(new Set(feedbackIds), where).toEqual(triggered);
    }
  }

  it('follows the profile in every exported assessment', () => {
    const quizzes = Object.entries(entries).filter(([n]) => n.endsWith('assessment.xml'));
    expect(quizzes).toHaveLength(modules.length);
    for (const [name, bytes] of quizzes) checkAssessment(name, strFromU8(bytes), 3);
  });

  it('follows the profile for the real curriculum too', async () => {
    const real = await loadCurriculum(REAL_DIR);
    const cartridge = buildCartridge(real);
    const assessments = cartridge.files.filter((file) => file.path.endsWith('assessment.xml'));
    // One quiz per module (each has at least 3 questions): none missing, so the loop checks them all.
    expect(real.length).toBeGreaterThan(0);
    expect(assessments).toHaveLength(real.length);
    for (const file of assessments) checkAssessment(file.path, file.content, 3);
  });

  it('writes question, choice and feedback HTML as ASCII, accents as numeric references', () => {
    expect(asciiHtml("L'été <b>")).toBe('L&#39;&#233;t&#233; &lt;b&gt;');
    expect(asciiHtml('« 😀 »')).toBe('&#171; &#128512; &#187;');
    for (const [name, bytes] of Object.entries(entries)) {
      if (!name.endsWith('assessment.xml')) continue;
      for (const mattext of descendants(rootOf(strFromU8(bytes)), 'mattext')) {
        expect(textOf(mattext), name).toMatch(/^[\x20-\x7E\t\n\r]*$/);
      }
    }
  });
});

describe('npm run curriculum:export', () => {
  const ROOT = path.resolve(import.meta.dirname, '../..');
  function exportWith(args: string[], env: Record<string, string | undefined>): { out: string; status: number | null; manifest: string; link: string } {
    const dir = mkdtempSync(path.join(tmpdir(), 'pollen-imscc-cli-'));
    try {
      const file = path.join(dir, 'pollen.imscc');
      const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'bots/curriculum-export.ts'), '--dir', FIXTURES, '--out', file, ...args], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, WIKI_API_URL: undefined, ...env }, timeout: 60_000,
      });
      const files = unzipSync(readFileSync(file));
      const link = String(asNode(asNode(parser.parse(strFromU8(files['01-logiciel-libre/lien-wiki.xml']!)).webLink).url)['@_href']);
      return { out: `${result.stdout}${result.stderr}`, status: result.status, manifest: strFromU8(files['imsmanifest.xml']!), link };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('takes the wiki page addresses from --wiki-base-url, else from WIKI_API_URL, and warns in French on a loopback address', () => {
    const given = exportWith(['--wiki-base-url', 'https://wiki.example.org/index.php/'], { WIKI_API_URL: 'https://other.example.org/api.php' });
    expect(given.status).toBe(0);
    expect(given.link).toBe('https://wiki.example.org/index.php/Parcours/Le_logiciel_libre');
    expect(given.out).not.toContain('Attention');
    expect(given.out).toContain('3 modules en 2 sections');

    const fromApi = exportWith([], { WIKI_API_URL: 'https://wiki.asso.example/api.php' });
    expect(fromApi.link).toBe('https://wiki.asso.example/index.php/Parcours/Le_logiciel_libre');
    expect(fromApi.out).not.toContain('Attention');

    const local = exportWith([], { POLLEN_WIKI_PORT: '8123' });
    expect(local.link).toBe('http://127.0.0.1:8123/index.php/Parcours/Le_logiciel_libre');
    expect(local.out).toContain('Attention : les liens vers le wiki pointent sur http://127.0.0.1:8123/index.php/');
    expect(local.out).toContain('--wiki-base-url');
    expect(local.manifest).toMatch(/environ 2,4 heures/);
  }, 120_000); // three runs of the command, each a fresh tsx process
});
