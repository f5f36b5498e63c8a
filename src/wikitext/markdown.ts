/**
 * Markdown to MediaWiki wikitext, built on marked's lexer (its HTML renderer is never used).
 * Every piece of text goes through `escapeWikitext`, so Markdown can only produce the markup this
 * file writes on purpose. Raw HTML in the Markdown is shown as text, not interpreted.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { escapePreformatted, escapeWikitext, sanitizeExternalUrl } from './escape.js';
import { TitleLinker } from './title-links.js';

export interface MarkdownToWikitextOptions {
  /**
   * Titles of existing wiki pages. The first mention of each (at least 4 characters, on word
   * boundaries, first letter case-insensitive) in running text becomes `[[Title|text]]`; never
   * inside headings, links or code. Default: no linking.
   */
  linkTitles?: readonly string[];
  /**
   * Wikitext level of the document's highest heading: 2 renders it as `== … ==` (the usual top
   * section level on a page), lower levels follow. Default 2.
   */
  topHeadingLevel?: number;
  /**
   * How fenced code blocks are written: `'pre'` (works on every wiki) or `'syntaxhighlight'`
   * (needs the SyntaxHighlight extension; used only when the block has a language). Default `'pre'`.
   */
  codeBlocks?: 'pre' | 'syntaxhighlight';
}

/**
 * Converts Markdown (GFM: tables, task lists, bare URLs) to wikitext. Deterministic, no trailing
 * whitespace.
 *
 * @example markdownToWikitext('# Bilan\n\n- **Nextcloud** installé\n  - agenda partagé')
 *   // "== Bilan ==\n\n* '''Nextcloud''' installé\n** agenda partagé"
 */
export function markdownToWikitext(md: string, options: MarkdownToWikitextOptions = {}): string {
  const tokens = new Lexer({ gfm: true }).lex(md.replace(/\r\n?/g, '\n'));
  const renderer = new WikitextRenderer(tokens, options);
  return renderer.blocks(tokens).join('\n\n').replace(/[ \t]+$/gm, '').trim();
}

interface InlineState {
  /** True while nothing has been written on the current wikitext line by this inline run. */
  atLineStart: boolean;
  /** Linking disabled (headings, link labels). */
  noLinks: boolean;
}

class WikitextRenderer {
  private readonly linker: TitleLinker;
  private readonly headingShift: number;
  private readonly codeBlocks: 'pre' | 'syntaxhighlight';

  constructor(tokens: Token[], options: MarkdownToWikitextOptions) {
    this.linker = new TitleLinker(options.linkTitles ?? []);
    this.codeBlocks = options.codeBlocks ?? 'pre';
    const top = Math.min(6, Math.max(1, options.topHeadingLevel ?? 2));
    const depths = collectHeadingDepths(tokens);
    const minDepth = depths.length > 0 ? Math.min(...depths) : 1;
    this.headingShift = top - minDepth;
  }

  /** Renders block tokens; each entry is one block, joined by blank lines at top level. */
  blocks(tokens: Token[]): string[] {
    const out: string[] = [];
    for (const token of tokens) {
      const rendered = this.block(token);
      if (rendered !== '') out.push(rendered);
    }
    return out;
  }

  private block(token: Token): string {
    const t = token as Tokens.Generic;
    switch (t.type) {
      case 'space':
      case 'def':
        return '';
      case 'heading': {
        const h = token as Tokens.Heading;
        const level = Math.min(6, Math.max(1, h.depth + this.headingShift));
        const marks = '='.repeat(level);
        const text = this.inline(h.tokens, { atLineStart: false, noLinks: true }, 'heading');
        return `${marks} ${text.trim()} ${marks}`;
      }
      case 'paragraph':
        return this.inline((token as Tokens.Paragraph).tokens, { atLineStart: true, noLinks: false });
      case 'text': {
        const tx = token as Tokens.Text;
        return tx.tokens
          ? this.inline(tx.tokens, { atLineStart: true, noLinks: false })
          : this.text(tx.text, { atLineStart: true, noLinks: false });
      }
      case 'list':
        return this.list(token as Tokens.List, '');
      case 'table':
        return this.table(token as Tokens.Table);
      case 'blockquote':
        return `<blockquote>\n${this.blocks((token as Tokens.Blockquote).tokens).join('\n\n')}\n</blockquote>`;
      case 'code':
        return this.codeBlock(token as Tokens.Code);
      case 'hr':
        return '----';
      case 'html':
        // Raw HTML is shown, never interpreted: a note cannot inject <script> or extension tags.
        return escapeWikitext((token as Tokens.HTML).text.trim());
      default:
        return typeof t.text === 'string' ? escapeWikitext(t.text) : '';
    }
  }

  private list(list: Tokens.List, prefix: string): string {
    const marker = prefix + (list.ordered ? '#' : '*');
    const lines: string[] = [];
    for (const item of list.items) {
      const parts: string[] = [];
      const nested: string[] = [];
      const checkbox = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
      for (const child of item.tokens) {
        if (child.type === 'checkbox') continue;
        if (child.type === 'list') {
          nested.push(this.list(child as Tokens.List, marker));
        } else if (child.type === 'text' || child.type === 'paragraph') {
          const c = child as Tokens.Text | Tokens.Paragraph;
          const state: InlineState = { atLineStart: false, noLinks: false };
          parts.push(c.tokens ? this.inline(c.tokens, state) : this.text(c.text, state));
        } else if (child.type === 'code') {
          parts.push(`<code><nowiki>${escapePreformatted((child as Tokens.Code).text)}</nowiki></code>`);
        } else if (child.type !== 'space') {
          // Other blocks inside an item (quotes, tables) are flattened to their text.
          parts.push(escapeWikitext(child.raw.replace(/\s+/g, ' ').trim(), { atLineStart: false }));
        }
      }
      const content = parts.filter((p) => p.trim() !== '').join('<br />');
      lines.push(`${marker} ${checkbox}${content.trim()}`.trimEnd());
      lines.push(...nested);
    }
    return lines.join('\n');
  }

  private table(table: Tokens.Table): string {
    const lines = ['{| class="wikitable"'];
    const cell = (c: Tokens.TableCell, header: boolean): string => {
      const content = this.inline(c.tokens, { atLineStart: false, noLinks: false }).trim();
      const style = c.align ? `style="text-align:${c.align}" | ` : '';
      return `${header ? '!' : '|'} ${style}${content}`.trimEnd();
    };
    if (table.header.length > 0) {
      lines.push(...table.header.map((c) => cell(c, true)));
    }
    for (const row of table.rows) {
      lines.push('|-');
      lines.push(...row.map((c) => cell(c, false)));
    }
    lines.push('|}');
    return lines.join('\n');
  }

  private codeBlock(code: Tokens.Code): string {
    const lang = (code.lang ?? '').trim().split(/\s+/)[0] ?? '';
    const closes = /<\/syntaxhighlight/i.test(code.text);
    if (this.codeBlocks === 'syntaxhighlight' && /^[a-z0-9+#-]+$/i.test(lang) && !closes) {
      // Content of <syntaxhighlight> is fully literal: nothing to escape but its closing tag.
      return `<syntaxhighlight lang="${lang.toLowerCase()}">\n${code.text}\n</syntaxhighlight>`;
    }
    return `<pre>\n${escapePreformatted(code.text)}\n</pre>`;
  }

  /** Renders inline tokens on one wikitext line (soft breaks become spaces). */
  private inline(tokens: Token[], state: InlineState, context: 'text' | 'heading' = 'text'): string {
    let out = '';
    for (const token of mergeTextRuns(tokens)) {
      const piece = this.inlineToken(token, state, context);
      if (piece !== '') {
        out += piece;
        state.atLineStart = false;
      }
    }
    return out;
  }

  private inlineToken(token: Token, state: InlineState, context: 'text' | 'heading'): string {
    const t = token as Tokens.Generic;
    switch (t.type) {
      case 'text':
      case 'escape': {
        const tx = token as Tokens.Text;
        if (tx.tokens && tx.tokens.length > 0) return this.inline(tx.tokens, state, context);
        return this.text(tx.text, state, context);
      }
      case 'strong':
        return `'''${this.inline((token as Tokens.Strong).tokens, { ...state, atLineStart: false }, context)}'''`;
      case 'em':
        return `''${this.inline((token as Tokens.Em).tokens, { ...state, atLineStart: false }, context)}''`;
      case 'del':
        return `<s>${this.inline((token as Tokens.Del).tokens, { ...state, atLineStart: false }, context)}</s>`;
      case 'codespan':
        return `<code><nowiki>${escapePreformatted((token as Tokens.Codespan).text)}</nowiki></code>`;
      case 'br':
        return '<br />';
      case 'link':
      case 'image':
        return this.link(token as Tokens.Link | Tokens.Image, state, context);
      case 'html':
        return escapeWikitext((token as Tokens.Tag).text, { atLineStart: state.atLineStart });
      default:
        return typeof t.text === 'string' ? this.text(t.text, state, context) : '';
    }
  }

  private text(text: string, state: InlineState, context: 'text' | 'heading' = 'text'): string {
    const flat = text.replace(/\s*\n\s*/g, ' ');
    if (context === 'heading') return escapeWikitext(flat, { context: 'heading', atLineStart: false });
    if (state.noLinks) return escapeWikitext(flat, { atLineStart: state.atLineStart });
    return this.linker.linkAndEscape(flat, state.atLineStart);
  }

  private link(link: Tokens.Link | Tokens.Image, state: InlineState, context: 'text' | 'heading'): string {
    const url = sanitizeExternalUrl(link.href);
    const labelState: InlineState = { atLineStart: state.atLineStart, noLinks: true };
    const label =
      link.type === 'image'
        ? escapeWikitext(link.text || link.href, { atLineStart: state.atLineStart })
        : this.inline(link.tokens, labelState, context);
    if (url === null) return label;
    const literal = link.type === 'link' && link.autolink === true && link.text === link.href;
    if (literal && url === link.href && context === 'text') return url;
    return `[${url} ${label || escapeWikitext(link.href, { atLineStart: false })}]`;
  }
}

/**
 * Joins adjacent plain text and backslash-escape tokens (`\_\_NOTOC\_\_` lexes as seven tokens) so
 * that escaping sees whole runs such as `__` or `''`, and title linking sees whole phrases.
 */
function mergeTextRuns(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const plain = (token.type === 'text' && !(token as Tokens.Text).tokens?.length) || token.type === 'escape';
    const last = out[out.length - 1];
    if (plain && last !== undefined && last.type === 'text' && !(last as Tokens.Text).tokens?.length) {
      const merged: Tokens.Text = { type: 'text', raw: last.raw + token.raw, text: (last as Tokens.Text).text + (token as Tokens.Text).text };
      out[out.length - 1] = merged;
    } else if (plain) {
      out.push({ type: 'text', raw: token.raw, text: (token as Tokens.Text).text });
    } else {
      out.push(token);
    }
  }
  return out;
}

function collectHeadingDepths(tokens: Token[]): number[] {
  const depths: number[] = [];
  for (const token of tokens) {
    if (token.type === 'heading') depths.push((token as Tokens.Heading).depth);
    if (token.type === 'blockquote') depths.push(...collectHeadingDepths((token as Tokens.Blockquote).tokens));
  }
  return depths;
}
