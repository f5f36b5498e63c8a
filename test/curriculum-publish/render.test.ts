import { describe, expect, it } from 'vitest';
import {
  INDEX_TITLE, NAVIGATION_TEMPLATE_TITLE, navigationCall, renderCurriculumPages, renderIndexPage, renderModulePage,
  renderNavigationTemplate, wikitextDiff,
} from '../../src/curriculum/publish/index.js';
import { categoryLink, templateCall, wikiLink } from '../../src/curriculum/publish/wikitext.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { realModules } from './support.js';

function fakeModule(overrides: Partial<CurriculumModule> = {}): CurriculumModule {
  return {
    slug: 'essai', title: 'Essai', group: 'communs', order: 1, file: '01-essai.md',
    summary: 'Un résumé.', objectives: ['Objectif un.', 'Objectif deux.'], estimatedMinutes: 75, prerequisites: [],
    activities: [{ type: 'contribute', title: 'Contribuer', instructions: 'Ajoutez un exemple.' }],
    quiz: [{ question: 'Combien ?', choices: ['Un', 'Deux'], multiple: false, answers: [1], explanation: 'Parce que deux.' }],
    wikiPage: 'Parcours de formation/Essai', moodle: { idnumber: 'essai' },
    body: '## Première partie\n\nDu texte de leçon.',
    ...overrides,
  };
}

describe('wikitext builders', () => {
  it('escapes "|" and "=" in template arguments so they cannot add or rename parameters', () => {
    const call = templateCall('Navigation parcours', [['précédent', 'A | b=c'], ['suivant', undefined], ['index', 'x = y']]);
    expect(call).toBe('{{Navigation parcours|précédent=A &#124; b&#61;c|index=x &#61; y}}');
  });

  it('escapes template-closing braces and newlines in arguments', () => {
    expect(templateCall('T', [['v', 'a}}\n{{b']])).toBe('{{T|v=a&#125;&#125; &#123;&#123;b}}');
  });

  it('links titles with a colon through a leading colon, and escapes the label', () => {
    expect(wikiLink('Parcours de formation/Atelier 1 : objectifs', "L'atelier [1]")).toBe(
      "[[:Parcours de formation/Atelier 1 : objectifs|L'atelier &#91;1&#93;]]",
    );
    expect(wikiLink('Catégorie:Outils')).toBe('[[:Catégorie:Outils]]');
  });

  it('refuses a title MediaWiki could not hold', () => {
    expect(() => wikiLink('A | B')).toThrow(/cannot be a wiki page title/);
    expect(() => categoryLink('A]]B')).toThrow(/cannot be a wiki page title/);
  });

  it('writes category links as categories', () => {
    expect(categoryLink('Parcours de formation')).toBe('[[Catégorie:Parcours de formation]]');
  });
});

describe('a module page', () => {
  it('opens and closes with the navigation template pointing at its neighbours and the index', () => {
    const [a, b, c] = [1, 2, 3].map((n) => fakeModule({ slug: `m${n}`, order: n, wikiPage: `Parcours de formation/M${n}` }));
    const text = renderModulePage(b!, { previous: a, next: c, total: 3, bySlug: new Map() });
    const nav = '{{Navigation parcours|précédent=Parcours de formation/M1|suivant=Parcours de formation/M3|index=Parcours de formation}}';
    expect(text.startsWith(nav)).toBe(true);
    expect(text.split(nav)).toHaveLength(3);
  });

  it('leaves "précédent" out on the first module and "suivant" out on the last', () => {
    expect(navigationCall(undefined, fakeModule())).toBe('{{Navigation parcours|suivant=Parcours de formation/Essai|index=Parcours de formation}}');
  });

  it('escapes titles holding "=" in the navigation call', () => {
    const next = fakeModule({ wikiPage: 'Parcours de formation/1 + 1 = 2' });
    expect(navigationCall(undefined, next)).toContain('suivant=Parcours de formation/1 + 1 &#61; 2|');
  });

  it('shows group, time and prerequisites as links to their pages', () => {
    const first = fakeModule({ slug: 'premier', title: "Qu'est-ce qu'un commun ?", wikiPage: "Parcours de formation/Qu'est-ce qu'un commun ?" });
    const second = fakeModule({ slug: 'second', order: 2, prerequisites: ['premier'] });
    const text = renderModulePage(second, { previous: first, total: 2, bySlug: new Map([['premier', first]]) });
    expect(text).toContain("* '''Partie''' : Les communs (module 2 sur 2)");
    expect(text).toContain("* '''Durée estimée''' : 1 h 15");
    expect(text).toContain("* '''Prérequis''' : [[Parcours de formation/Qu'est-ce qu'un commun ?|Qu'est-ce qu'un commun ?]]");
  });

  it('neutralises markup in the content instead of running it', () => {
    const text = renderModulePage(
      fakeModule({ summary: '{{Supprimer}} [[Catégorie:Spam]] ~~~~', objectives: ["''gras''", 'a | b'] }),
      { total: 1, bySlug: new Map() },
    );
    expect(text).toContain('&#123;&#123;Supprimer&#125;&#125; &#91;&#91;Catégorie:Spam&#93;&#93; &#126;&#126;&#126;&#126;');
    expect(text).toContain('* &#39;&#39;gras&#39;&#39;');
    expect(text).toContain('* a &#124; b');
    expect(text).not.toContain('{{Supprimer');
  });

  it('links the contribute activity to the page it asks to edit, the contributions subpage by default', () => {
    const own = renderModulePage(fakeModule(), { total: 1, bySlug: new Map() });
    expect(own).toContain('Page à modifier : [[Parcours de formation/Essai/Contributions]].');
    expect(own).toContain('{{:Parcours de formation/Essai/Contributions}}');
    const other = renderModulePage(
      fakeModule({ activities: [{ type: 'contribute', title: 'C', instructions: 'I.', wikiPage: 'Annuaire : hébergeurs' }] }),
      { total: 1, bySlug: new Map() },
    );
    expect(other).toContain('Page à modifier : [[:Annuaire : hébergeurs]].');
  });

  it('puts the quiz answers and explanations in a collapsed « Réponses » block', () => {
    const text = renderModulePage(fakeModule(), { total: 1, bySlug: new Map() });
    const answers = text.slice(text.indexOf('== Réponses =='));
    expect(text.indexOf('=== Question 1 ===')).toBeLessThan(text.indexOf('== Réponses =='));
    expect(answers).toContain('mw-collapsible mw-collapsed');
    expect(answers).toContain("* '''Question 1''' : réponse 2, « Deux ». Parce que deux.");
    expect(text.slice(0, text.indexOf('== Réponses =='))).not.toContain('Parce que deux');
  });

  it('says a multiple-choice question has several right answers, and lists them all in « Réponses »', () => {
    const text = renderModulePage(fakeModule({
      quiz: [{ question: 'Lesquels sont pairs ?', choices: ['Deux', 'Trois', 'Quatre', 'Cinq'], multiple: true, answers: [0, 2], explanation: 'Divisibles par deux.' }],
    }), { total: 1, bySlug: new Map() });
    const [questions, answers] = text.split('== Réponses ==');
    expect(questions).toContain("=== Question 1 ===\nLesquels sont pairs ?\n''Plusieurs réponses sont justes : trouvez-les toutes.''\n# Deux\n# Trois");
    expect(answers).toContain("* '''Question 1''' : réponses 1 et 3, « Deux » et « Quatre ». Divisibles par deux.");
  });

  it('nests the lesson headings under « Leçon » and ends with the categories', () => {
    const text = renderModulePage(fakeModule({ group: 'communication' }), { total: 1, bySlug: new Map() });
    expect(text).toContain('== Leçon ==\n=== Première partie ===');
    expect(text.endsWith('[[Catégorie:Parcours de formation]]\n[[Catégorie:Parcours de formation – Communication externe]]')).toBe(true);
  });
});

describe('the whole parcours', () => {
  it('renders the template, the index, then the 17 modules in order, deterministically', async () => {
    const modules = await realModules();
    const pages = renderCurriculumPages(modules);
    expect(pages.map((p) => p.kind)).toEqual(['template', 'index', ...modules.map(() => 'module')]);
    expect(pages[0]?.title).toBe(NAVIGATION_TEMPLATE_TITLE);
    expect(pages[1]?.title).toBe(INDEX_TITLE);
    expect(pages.slice(2).map((p) => p.title)).toEqual(modules.map((m) => m.wikiPage));
    expect(renderCurriculumPages([...modules].reverse())).toEqual(pages);
  });

  it('lists every module on the index, by group, with the total time', async () => {
    const modules = await realModules();
    const index = renderIndexPage(modules);
    const total = modules.reduce((s, m) => s + m.estimatedMinutes, 0);
    expect(index).toContain(`'''${modules.length} modules''', durée totale estimée : '''${Math.floor(total / 60)} h`);
    for (const m of modules) expect(index).toContain(`* Module ${m.order} : ${wikiLink(m.wikiPage, m.title)}`);
    expect(index.indexOf('== Les communs ==')).toBeLessThan(index.indexOf('== Accompagner les associations =='));
    expect(index).toContain('[[Catégorie:Parcours de formation]]');
  });

  it('documents the template in French inside <noinclude>', () => {
    const template = renderNavigationTemplate();
    expect(template).toMatch(/^<includeonly>[\s\S]*<\/includeonly><noinclude>\n== Documentation ==[\s\S]*<\/noinclude>$/);
    expect(template).toContain('{{{précédent|}}}');
    expect(template).toContain('{{{index|Parcours de formation}}}');
  });
});

describe('the dry-run diff', () => {
  it('is a unified diff of the wikitext, and nothing when only trailing spaces differ', () => {
    const diff = wikitextDiff('Page', 'ligne 1\nligne 2\n', 'ligne 1\nligne deux\n');
    expect(diff).toContain('--- Page\tpage actuelle');
    expect(diff).toContain('-ligne 2\n+ligne deux');
    expect(wikitextDiff('Page', 'même texte\n\n', 'même texte')).toBeUndefined();
  });
});
