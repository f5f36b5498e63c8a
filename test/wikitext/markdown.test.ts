import { describe, expect, it } from 'vitest';
import { markdownToWikitext } from '../../src/wikitext/markdown.js';
import { containsLive, visibleText } from './visible-text.js';

describe('markdownToWikitext', () => {
  it('shifts headings so the highest level of the document is ==', () => {
    expect(markdownToWikitext('# Bilan\n\n## Détails\n\n#### Très bas')).toBe('== Bilan ==\n\n=== Détails ===\n\n===== Très bas =====');
    expect(markdownToWikitext('### Seul niveau')).toBe('== Seul niveau ==');
  });

  it('writes bold, italic, strike-through and inline code', () => {
    expect(markdownToWikitext('**gras**, *italique*, ~~barré~~ et `{{code}}`')).toBe(
      "'''gras''', ''italique'', <s>barré</s> et <code><nowiki>{{code}}</nowiki></code>",
    );
  });

  it('joins soft line breaks and keeps hard ones', () => {
    expect(markdownToWikitext('une\nphrase  \nsuite')).toBe('une phrase<br />suite');
  });

  it('writes nested, mixed and task lists', () => {
    const md = '- un\n  - deux\n    1. trois\n- [x] fait\n- [ ] à faire\n\n1. premier\n2. second';
    expect(markdownToWikitext(md)).toBe('* un\n** deux\n**# trois\n* ☑ fait\n* ☐ à faire\n\n# premier\n# second');
  });

  it('writes tables as wikitables with alignment and escaped cells', () => {
    const md = '| Outil | Coût |\n|---|--:|\n| Nextcloud \\| Collabora | 0 € |';
    expect(markdownToWikitext(md)).toBe(
      '{| class="wikitable"\n! Outil\n! style="text-align:right" | Coût\n|-\n| Nextcloud &#124; Collabora\n| style="text-align:right" | 0 €\n|}',
    );
  });

  it('writes external links, bare URLs and refuses javascript: links', () => {
    expect(markdownToWikitext('[Framasoft](https://framasoft.org) et https://chatons.org')).toBe(
      '[https://framasoft.org Framasoft] et https://chatons.org',
    );
    expect(markdownToWikitext('[clic](javascript:alert(1))')).toBe('clic');
  });

  it('writes quotes, horizontal rules and code blocks', () => {
    expect(markdownToWikitext('> cité\n\n---\n\n```\n</pre> {{x}}\n```')).toBe(
      '<blockquote>\ncité\n</blockquote>\n\n----\n\n<pre>\n&lt;/pre&gt; {{x}}\n</pre>',
    );
  });

  it('uses <syntaxhighlight> only when asked and safe', () => {
    expect(markdownToWikitext('```js\nlet a = 1;\n```', { codeBlocks: 'syntaxhighlight' })).toBe(
      '<syntaxhighlight lang="js">\nlet a = 1;\n</syntaxhighlight>',
    );
    expect(markdownToWikitext('```js\n"</syntaxhighlight>"\n```', { codeBlocks: 'syntaxhighlight' })).toMatch(/^<pre>/);
  });

  it('shows raw HTML and wiki markup as text instead of interpreting it', () => {
    const md = '<script>alert(1)</script>\n\n{{Supprimer}} [[Catégorie:Spam]] ~~~~ \\_\\_NOTOC\\_\\_ |}\n\n<div onclick="x">bloc</div>';
    const wikitext = markdownToWikitext(md);
    for (const live of ['<script', '{{Supprimer}}', '[[Catégorie:Spam]]', '~~~~', '__NOTOC__', '|}', '<div']) {
      expect(containsLive(wikitext, live)).toBe(false);
    }
    expect(visibleText(wikitext)).toBe('<script>alert(1)</script> {{Supprimer}} [[Catégorie:Spam]] ~~~~ __NOTOC__ |} <div onclick="x">bloc</div>');
  });

  it('is deterministic and leaves no trailing whitespace', () => {
    const md = '# A  \n\ntexte   \n\n- item  \n';
    expect(markdownToWikitext(md)).toBe(markdownToWikitext(md));
    expect(markdownToWikitext(md)).not.toMatch(/[ \t]$/m);
  });
});

describe('linking known titles', () => {
  const linkTitles = ['Nextcloud', 'Logiciel libre', 'Logiciel', 'AG', 'Catégorie:Outils'];

  it('links the first mention only, keeping the text as written', () => {
    expect(markdownToWikitext('nextcloud, puis Nextcloud encore', { linkTitles })).toBe('[[Nextcloud|nextcloud]], puis Nextcloud encore');
  });

  it('prefers the longest title and respects word boundaries', () => {
    expect(markdownToWikitext('Le logiciel libre et les logiciels', { linkTitles })).toBe('Le [[Logiciel libre|logiciel libre]] et les logiciels');
    expect(markdownToWikitext('Nextcloudien', { linkTitles })).toBe('Nextcloudien');
  });

  it('only makes the first letter case-insensitive, like MediaWiki', () => {
    expect(markdownToWikitext('NEXTCLOUD', { linkTitles })).toBe('NEXTCLOUD');
  });

  it('ignores titles shorter than 4 characters', () => {
    expect(markdownToWikitext("l'AG de mai", { linkTitles })).toBe("l'AG de mai");
  });

  it('never links inside headings, links or code, and links later mentions instead', () => {
    const md = '# Nextcloud\n\n[Nextcloud](https://nextcloud.com) `Nextcloud`\n\nEnfin Nextcloud.';
    expect(markdownToWikitext(md, { linkTitles })).toBe(
      '== Nextcloud ==\n\n[https://nextcloud.com Nextcloud] <code><nowiki>Nextcloud</nowiki></code>\n\nEnfin [[Nextcloud|Nextcloud]].',
    );
  });

  it('links titles in other namespaces with a leading colon so they never categorise the page', () => {
    expect(markdownToWikitext('voir Catégorie:Outils', { linkTitles })).toBe('voir [[:Catégorie:Outils|Catégorie:Outils]]');
  });

  it('links inside list items and table cells', () => {
    expect(markdownToWikitext('- installer nextcloud', { linkTitles })).toBe('* installer [[Nextcloud|nextcloud]]');
  });
});
