/**
 * A small query explorer served by the gateway itself: no CDN, no build step, so it works on
 * an offline server. Query and variables on the left, the answer on the right, the schema below.
 */

import { FAVICON } from '../web/favicon.js';

export function explorerPage(endpoint: string, exampleQuery: string): string {
  const initial = JSON.stringify(exampleQuery).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pollen : explorateur GraphQL</title>
<link rel="icon" type="image/svg+xml" href="${FAVICON}">
<style>
  :root { color-scheme: light; font-family: system-ui, sans-serif; }
  body { margin: 0; background: #f6f7f4; color: #1d2a1d; }
  header { background: #2f5d3a; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; }
  header h1 { font-size: 1.1rem; margin: 0; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; padding: 1rem; }
  label { font-weight: 600; display: block; margin-bottom: .3rem; }
  textarea, pre { width: 100%; box-sizing: border-box; font: 13px/1.4 ui-monospace, monospace; border: 1px solid #9aa89a; border-radius: 4px; background: #fff; padding: .5rem; }
  textarea#query { height: 24rem; } textarea#variables { height: 6rem; }
  pre { min-height: 31rem; margin: 0; overflow: auto; white-space: pre-wrap; }
  button { background: #2f5d3a; color: #fff; border: 0; border-radius: 4px; padding: .5rem 1rem; font-size: 1rem; cursor: pointer; }
  button:focus-visible, textarea:focus-visible, input:focus-visible, summary:focus-visible, pre:focus-visible { outline: 3px solid #1d2a1d; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
  input#token { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; border: 1px solid #5f6f5f; border-radius: 4px; }
  .hint { font-size: .9rem; margin: .2rem 0 .8rem; }
  #status.error { color: #a4161a; font-weight: 600; }
  /* A phone: one column, the answer under the query. */
  @media (max-width: 700px) { main { grid-template-columns: 1fr; padding: .5rem; } textarea#query { height: 14rem; } pre { min-height: 12rem; } header { flex-wrap: wrap; } }
  details { grid-column: 1 / -1; } #status { margin-left: .5rem; }
</style>
</head>
<body>
<header><h1>Pollen : explorateur GraphQL</h1><span>Point d'accès : <code>${endpoint}</code></span></header>
<main>
  <section>
    <label for="query">Requête</label>
    <textarea id="query" spellcheck="false"></textarea>
    <label for="token">Jeton d’accès (facultatif)</label>
    <input id="token" type="password" autocomplete="off" aria-describedby="aide-jeton">
    <p class="hint" id="aide-jeton">Pour les champs réservés (cohorte, notes) : un jeton d’animation ou de session, envoyé en « Authorization: Bearer ». Gardé dans cet onglet seulement.</p>
    <label for="variables">Variables (JSON)</label>
    <textarea id="variables" spellcheck="false">{}</textarea>
    <p><button id="run" type="button">Exécuter (Ctrl+Entrée)</button><span id="status" role="status"></span></p>
  </section>
  <section>
    <label for="result">Réponse</label>
    <pre id="result" tabindex="0"></pre>
  </section>
  <details><summary>Schéma (SDL)</summary><pre id="schema">Chargement…</pre></details>
</main>
<script>
  const endpoint = ${JSON.stringify(endpoint)};
  const query = document.getElementById('query');
  query.value = localStorage.getItem('pollen.query') || ${initial};
  const status = document.getElementById('status');
  async function run() {
    localStorage.setItem('pollen.query', query.value);
    let variables;
    status.className = '';
    try { variables = JSON.parse(document.getElementById('variables').value || '{}'); }
    catch (e) { status.className = 'error'; status.textContent = 'Variables : JSON invalide (' + e.message + '). Corrigez-les, puis relancez.'; return; }
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      status.className = 'error'; status.textContent = 'Variables : un objet JSON est attendu, par exemple {"slug": "logiciel-libre"}.'; return;
    }
    status.textContent = 'Envoi…';
    const started = performance.now();
    const headers = { 'content-type': 'application/json' };
    const token = document.getElementById('token').value.trim();
    sessionStorage.setItem('pollen.token', token);
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query: query.value, variables }) });
    const text = await res.text();
    try { document.getElementById('result').textContent = JSON.stringify(JSON.parse(text), null, 2); }
    catch { document.getElementById('result').textContent = text; }
    status.textContent = 'HTTP ' + res.status + ' en ' + Math.round(performance.now() - started) + ' ms';
  }
  document.getElementById('token').value = sessionStorage.getItem('pollen.token') || '';
  document.getElementById('run').addEventListener('click', run);
  document.addEventListener('keydown', (e) => { if (e.ctrlKey && e.key === 'Enter') run(); });
  fetch(endpoint.replace(/graphql$/, 'schema.graphql')).then((r) => r.text()).then((t) => { document.getElementById('schema').textContent = t; });
</script>
</body>
</html>`;
}
