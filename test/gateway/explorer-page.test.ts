import { describe, expect, it } from 'vitest';
import { explorerPage } from '../../src/graphql/explorer.js';
import { FAVICON } from '../../src/web/favicon.js';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { Page } from '../../src/web/shell.js';

describe('the query explorer page', () => {
  const html = explorerPage('/graphql', '{ health { ok } }');

  it('has a token field sent as a bearer token, kept for the tab only', () => {
    expect(html).toContain('<label for="token">Jeton d’accès (facultatif)</label>');
    expect(html).toContain("sessionStorage.setItem('pollen.token', token)");
    expect(html).toContain("headers.authorization = 'Bearer ' + token");
    expect(html).not.toContain("localStorage.getItem('pollen.token')");
  });

  it('reports invalid variables in French with the parser\'s reason, and refuses non-object variables', () => {
    expect(html).toContain("'Variables : JSON invalide (' + e.message + '). Corrigez-les, puis relancez.'");
    expect(html).toContain('Variables : un objet JSON est attendu');
  });

  it('goes to one column on a phone, and has a favicon like the dashboard', () => {
    expect(html).toMatch(/@media \(max-width: 700px\) \{ main \{ grid-template-columns: 1fr;/);
    expect(html).toContain(`<link rel="icon" type="image/svg+xml" href="${FAVICON}">`);
    expect(renderToString(h(Page, { title: 'x' }))).toContain(`<link rel="icon" type="image/svg+xml" href="${FAVICON}"/>`);
  });
});
