import { strFromU8, unzipSync } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCartridge, CC_NAMESPACE, exportImscc, LOM_MANIFEST_NAMESPACE, LOM_RESOURCE_NAMESPACE } from '../../src/curriculum/imscc/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/curriculum/valid');
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

  it('has one rooted organization: an untitled root, one section per group, a folder per module', () => {
    const organization = asNode(asNode(manifest.organizations).organization);
    expect(organization['@_structure']).toBe('rooted-hierarchy');
    const root = (organization.item as Node[])[0]!;
    expect(root.title).toBeUndefined();
    const sections = (root.item as Node[]).map((s) => s.title);
    expect(sections).toEqual(['Les communs', 'Communication externe']);
    const all = items(root);
    const leaves = all.filter(({ item }) => item['@_identifierref'] !== undefined);
    expect(leaves).toHaveLength(modules.length * 3);
    for (const { item, depth } of all) {
      expect(typeof item.title, String(item['@_identifier'])).toBe('string');
      // CC 1.1: an item that points at a resource has no child items.
      if (item['@_identifierref'] !== undefined) expect(item.item, String(item['@_identifier'])).toBeUndefined();
      expect(depth).toBeLessThanOrEqual(3);
    }
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
    expect(resources.map((r) => [r['@_identifier'], r['@_type']]).slice(0, 3)).toEqual([
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
      expect(labels.map((l) => asNode(asNode(l.material).mattext)['#text'])).toEqual(quiz.choices);
      const conditions = asNode(item.resprocessing).respcondition as Node[];
      const scoring = conditions.find((c) => c.setvar !== undefined)!;
      expect(asNode(scoring.setvar)['#text']).toBe(100);
      expect(asNode(asNode(scoring.conditionvar).varequal)['#text']).toBe(labels[quiz.answer]!['@_ident']);
      const general = conditions.find((c) => c['@_continue'] === 'Yes')!;
      expect(asNode(general.displayfeedback)['@_linkrefid']).toBe('general_fb');
      // mattext is declared text/html, so the explanation is stored HTML-escaped.
      expect(JSON.stringify(item.itemfeedback).replaceAll('&#39;', "'")).toContain(JSON.stringify(quiz.explanation).slice(1, -1));
    });
  });

  it('counts what it packs', () => {
    expect(buildCartridge(modules).counts).toEqual({ modules: 3, sections: 2, pages: 3, webLinks: 3, quizzes: 3, questions: 9 });
  });
});
