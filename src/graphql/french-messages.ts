/**
 * graphql-js and Apollo write their syntax, validation, variable and HTTP errors in English.
 * Clients branch on `extensions.code`; people read the message, so each one a client of this
 * gateway can meet is put in French, whole (never an English clause inside a French sentence).
 * A message no pattern knows gets a French sentence of its kind, and the English original goes
 * to `extensions.detail` for the developer, out of the message.
 */
type Build = (...m: string[]) => string;

/** `"Name"`, `<EOF>`, `Name "foo"`, `"{"`... as graphql-js describes a token, in French. */
function token(desc: string): string {
  const m = /^(\w+|<EOF>|<SOF>)(?: "(.*)")?$/s.exec(desc);
  if (m) {
    const [, kind, value] = m;
    switch (kind) {
      case '<EOF>': return 'la fin de la requête';
      case '<SOF>': return 'le début de la requête';
      case 'Name': return value === undefined ? 'un nom' : `le nom « ${value} »`;
      case 'Int': return value === undefined ? 'un entier' : `l’entier ${value}`;
      case 'Float': return value === undefined ? 'un nombre' : `le nombre ${value}`;
      case 'String': case 'BlockString': return value === undefined ? 'une chaîne' : `la chaîne « ${value} »`;
      case 'Comment': return 'un commentaire';
    }
  }
  const punctuator = /^"(.+)"$/.exec(desc);
  return `« ${punctuator ? punctuator[1] : desc} »`;
}

/** « a », « b » from `"a", "b"` (graphql-js's lists), at most `max` names then how many more. */
function names(list: string, max = 5): string {
  const all = [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const shown = all.slice(0, max).map((n) => `« ${n} »`).join(', ');
  return all.length > max ? `${shown} et ${all.length - max} autre${all.length - max > 1 ? 's' : ''}` : shown;
}

/** graphql-js's suggestions (`"a", "b", or "c"`), as « a », « b » ou « c ». */
function alternatives(list: string): string {
  const all = [...list.matchAll(/"([^"]*)"/g)].map((m) => `« ${m[1]!} »`);
  return all.length > 1 ? `${all.slice(0, -1).join(', ')} ou ${all.at(-1)!}` : (all[0] ?? '');
}

function hint(didYouMean: string | undefined): string {
  return didYouMean ? ` Vouliez-vous dire ${alternatives(didYouMean)} ?` : '';
}

/** Why a value does not fit its type (graphql-js's scalar and coercion messages). */
function frenchReason(why: string): string {
  const reasons: Array<[RegExp, Build]> = [
    [/^Expected type "(.+?)"\. (.+)$/s, (t, rest) => `type attendu ${t} (${frenchReason(rest)})`],
    [/^Int cannot represent non-integer value: (.+)$/s, (v) => `Int n’accepte que des entiers (reçu ${v})`],
    [/^Int cannot represent non 32-bit signed integer value: (.+)$/s, (v) => `Int n’accepte que des entiers sur 32 bits (reçu ${v})`],
    [/^Float cannot represent non numeric value: (.+)$/s, (v) => `Float n’accepte que des nombres (reçu ${v})`],
    [/^String cannot represent a non string value: (.+)$/s, (v) => `String n’accepte que du texte (reçu ${v})`],
    [/^Boolean cannot represent a non boolean value: (.+)$/s, (v) => `Boolean n’accepte que true ou false (reçu ${v})`],
    [/^ID cannot represent value: (.+)$/s, (v) => `ID n’accepte que du texte ou un entier (reçu ${v})`],
    [/^Enum "(.+?)" cannot represent non-enum value: (.+?)\.(?: Did you mean the enum value (.+)\?)?$/s, (e, v, h) => `${v} n’est pas une valeur de l’énumération ${e}${h ? ` (vouliez-vous dire ${alternatives(h)} ?)` : ''}`],
    [/^Value "(.+?)" does not exist in "(.+?)" enum\.(?: Did you mean the enum value (.+)\?)?$/s, (v, e, h) => `« ${v} » n’est pas une valeur de l’énumération ${e}${h ? ` (vouliez-vous dire ${alternatives(h)} ?)` : ''}`],
    [/^Expected value of type "(.+?)", found (.+?)\.?$/s, (t, v) => `type attendu ${t}, reçu ${v}`],
    [/^Expected non-nullable type "(.+?)" not to be null\.$/, (t) => `le type ${t} ne peut pas être null`],
    [/^Field "(.+?)" of required type "(.+?)" was not provided\.$/, (f, t) => `le champ ${f} (type ${t}) est obligatoire mais absent`],
    [/^Field "(.+?)" is not defined by type "(.+?)"\.(?: Did you mean (.+)\?)?$/s, (f, t, h) => `le champ « ${f} » n’existe pas dans ${t}${h ? ` (vouliez-vous dire ${alternatives(h)} ?)` : ''}`],
  ];
  for (const [pattern, build] of reasons) {
    const m = pattern.exec(why);
    if (m) return build(...m.slice(1));
  }
  return 'valeur refusée';
}

/** What the lexer and parser say after "Syntax Error: ". */
const SYNTAX: Array<[RegExp, Build]> = [
  [/^Expected (.+?), found (.+)\.$/s, (expected, found) => `attendu : ${token(expected)} ; trouvé : ${token(found)}.`],
  [/^Unexpected variable "\$(.+?)" in constant value\.$/, (v) => `la variable $${v} n’est pas permise dans une valeur constante.`],
  [/^Unexpected single quote character/, () => 'apostrophe inattendue : les chaînes GraphQL s’écrivent entre guillemets droits (").'],
  [/^Unexpected character: (.+)\.$/s, (c) => `caractère inattendu : ${c}.`],
  [/^Unexpected description, .*$/s, () => 'description inattendue à cet endroit.'],
  [/^Unexpected (.+)\.$/s, (found) => `élément inattendu : ${token(found)}.`],
  [/^Unterminated string\.$/, () => 'chaîne non terminée (il manque le guillemet fermant).'],
  [/^Invalid character within String: (.+)\.$/s, (c) => `caractère invalide dans une chaîne : ${c}.`],
  [/^Invalid character: (.+)\.$/s, (c) => `caractère invalide : ${c}.`],
  [/^Invalid number, unexpected digit after 0: (.+)\.$/s, (c) => `nombre invalide : chiffre inattendu après 0 (${c}).`],
  [/^Invalid number, expected digit but got: (.+)\.$/s, (c) => `nombre invalide : un chiffre était attendu, reçu ${c}.`],
  [/^Invalid Unicode escape sequence: (.+)\.$/s, (s) => `séquence d’échappement Unicode invalide : ${s}.`],
  [/^Invalid character escape sequence: (.+)\.$/s, (s) => `séquence d’échappement invalide : ${s}.`],
  [/^Document contains more th[ae]n? (\d+) (tokens|comments)\. Parsing aborted\.$/, (n, what) => `la requête dépasse ${n} ${what === 'tokens' ? 'éléments' : 'commentaires'} : analyse interrompue.`],
];

function frenchSyntax(why: string): { text: string; known: boolean } {
  for (const [pattern, build] of SYNTAX) {
    const m = pattern.exec(why);
    if (m) return { text: build(...m.slice(1)), known: true };
  }
  return { text: 'elle n’a pas pu être lue à l’endroit indiqué.', known: false };
}

/** Why two fields of one response name conflict (OverlappingFieldsCanBeMerged). */
function conflictReason(reason: string): string {
  if (/^they have differing arguments/.test(reason)) return 'leurs arguments diffèrent';
  const fields = /^"(.+?)" and "(.+?)" are different fields/.exec(reason);
  if (fields) return `« ${fields[1]} » et « ${fields[2]} » sont des champs différents`;
  const types = /^they return conflicting types "(.+?)" and "(.+?)"/.exec(reason);
  if (types) return `leurs types ${types[1]} et ${types[2]} sont incompatibles`;
  if (/^they have differing stream directives/.test(reason)) return 'leurs directives diffèrent';
  return 'leurs sous-champs se contredisent';
}

const PATTERNS: Array<[RegExp, Build]> = [
  // Validation (graphql-js's rules for executable documents).
  [/^Cannot query field "(.+?)" on type "(.+?)"\.(?: Did you mean (.+)\?)?$/s, (f, t, h) => `Le champ « ${f} » n’existe pas sur le type « ${t} ».${hint(h)}`],
  [/^Unknown argument "(.+?)" on field "(.+?)"\.(?: Did you mean (.+)\?)?$/s, (a, f, h) => `L’argument « ${a} » n’existe pas sur le champ « ${f} ».${hint(h)}`],
  [/^Unknown argument "(.+?)" on directive "@(.+?)"\.(?: Did you mean (.+)\?)?$/s, (a, d, h) => `L’argument « ${a} » n’existe pas sur la directive @${d}.${hint(h)}`],
  [/^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\.$/, (f, a, t) => `Le champ « ${f} » demande l’argument « ${a} » (type ${t}), absent ici.`],
  [/^Directive "@(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\.$/, (d, a, t) => `La directive @${d} demande l’argument « ${a} » (type ${t}), absent ici.`],
  [/^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./, (f, t) => `Le champ « ${f} » (type ${t}) demande une liste de sous-champs entre accolades.`],
  [/^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\.$/, (f, t) => `Le champ « ${f} » (type ${t}) n’a pas de sous-champs : retirez les accolades qui le suivent.`],
  [/^Cannot spread fragment "(.+?)" within itself(?: via (.+))?\.$/s, (f, via) =>
    `Le fragment « ${f} » s’inclut lui-même${via ? ` (par ${names(via)})` : ''} : une requête ne peut pas se répéter à l’infini.`],
  [/^Fragment "(.+?)" is never used\.$/, (f) => `Le fragment « ${f} » est défini mais jamais utilisé.`],
  [/^Unknown fragment "(.+?)"\.$/, (f) => `Le fragment « ${f} » n’est pas défini.`],
  [/^There can be only one fragment named "(.+?)"\.$/, (f) => `Le fragment « ${f} » est défini plusieurs fois.`],
  [/^There can be only one operation named "(.+?)"\.$/, (o) => `L’opération « ${o} » est définie plusieurs fois.`],
  [/^This anonymous operation must be the only defined operation\.$/, () => 'Une opération sans nom doit être la seule du document : nommez chaque opération.'],
  [/^There can be only one argument named "(.+?)"\.$/, (a) => `L’argument « ${a} » est donné plusieurs fois.`],
  [/^There can be only one variable named "\$(.+?)"\.$/, (v) => `La variable $${v} est déclarée plusieurs fois.`],
  [/^There can be only one input field named "(.+?)"\.$/, (f) => `Le champ « ${f} » est donné plusieurs fois dans le même objet.`],
  [/^Fields "(.+?)" conflict because (.+?)\. Use different aliases on the fields to fetch both if this was intentional\.$/s, (f, why) =>
    `Les champs demandés sous le nom « ${f} » se contredisent (${conflictReason(why)}) : donnez-leur des alias différents.`],
  [/^Unknown directive "@(.+?)"\.$/, (d) => `La directive @${d} n’existe pas.`],
  [/^Directive "@(.+?)" may not be used on (.+?)\.$/, (d, where) => `La directive @${d} n’est pas permise à cet endroit (${where}).`],
  [/^The directive "@(.+?)" can only be used once at this location\.$/, (d) => `La directive @${d} ne peut figurer qu’une fois à cet endroit.`],
  [/^Fragment "(.+?)" cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"\.$/, (f, a, b) => `Le fragment « ${f} » ne peut pas être utilisé ici : un objet de type ${a} n’est jamais de type ${b}.`],
  [/^Fragment cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"\.$/, (a, b) => `Ce fragment ne peut pas être utilisé ici : un objet de type ${a} n’est jamais de type ${b}.`],
  [/^Fragment "(.+?)" cannot condition on non composite type "(.+?)"\.$/, (f, t) => `Le fragment « ${f} » porte sur le type ${t}, qui n’a pas de champs.`],
  [/^Fragment cannot condition on non composite type "(.+?)"\.$/, (t) => `Ce fragment porte sur le type ${t}, qui n’a pas de champs.`],
  [/^The (.+?) definition is not executable\.$/, () => 'Le document contient une définition de schéma : seules les opérations et les fragments sont acceptés.'],
  [/^Too many validation errors, error limit reached\. Validation aborted\.$/, () => 'Trop d’erreurs dans la requête : la vérification s’est arrêtée là. Corrigez d’abord celles-ci.'],
  [/^Unknown type "(.+?)"\.(?: Did you mean (.+)\?)?$/s, (t, h) => `Le type « ${t} » n’existe pas.${hint(h)}`],
  // Variables.
  [/^Variable "\$(.+?)" of required type "(.+?)" was not provided\.$/, (v, t) => `La variable $${v} (type ${t}) est obligatoire mais n’a pas été fournie.`],
  [/^Variable "\$(.+?)" of non-null type "(.+?)" must not be null\.$/, (v, t) => `La variable $${v} (type ${t}) ne peut pas être null.`],
  [/^Variable "\$(.+?)" got invalid value (.+?); (.+)$/s, (v, value, why) => `La variable $${v} a une valeur invalide (${value}) : ${frenchReason(why)}.`],
  [/^Variable "\$(.+?)" is never used(?: in operation "(.+?)")?\.$/, (v) => `La variable $${v} est déclarée mais jamais utilisée.`],
  [/^Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?\.$/, (v) => `La variable $${v} est utilisée mais n’est pas déclarée.`],
  [/^Variable "\$(.+?)" cannot be non-input type "(.+?)"\.$/, (v, t) => `La variable $${v} ne peut pas être de type ${t} (un type de sortie).`],
  [/^Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"\.$/, (v, a, b) => `La variable $${v} est de type ${a}, mais elle est utilisée là où ${b} est attendu.`],
  [/^Variables must be provided as an Object where each property is a variable value\./, () => 'Les variables doivent être un objet JSON (une propriété par variable).'],
  // Literal values in the document (ValuesOfCorrectType) and coercion.
  [/^((?:Int|Float|String|Boolean|ID) cannot represent .+|Enum ".+?" cannot represent .+|Expected value of type ".+?", found .+|Field ".+?" of required type ".+?" was not provided\.|Field ".+?" is not defined by type ".+?"\..*)$/s,
    (why) => `Valeur invalide : ${frenchReason(why)}.`],
  // Apollo's request handling.
  [/^Operation batching disabled\.$/, () => 'Les requêtes groupées (un tableau JSON de plusieurs opérations) ne sont pas acceptées : envoyez une opération par requête.'],
  [/^This operation has been blocked as a potential Cross-Site Request Forgery/, () =>
    'Requête bloquée par la protection contre les requêtes intersites (CSRF) : envoyez-la avec l’en-tête « Content-Type: application/json », ou avec un en-tête « apollo-require-preflight » non vide.'],
  [/^GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension\.$/, () => 'Aucune requête GraphQL n’a été envoyée (champ « query » vide ou absent).'],
  [/^Must provide query string\.$/, () => 'Aucune requête GraphQL n’a été envoyée (champ « query » vide ou absent).'],
  [/^POST body missing, invalid Content-Type, or JSON object has no keys\.$/, () => 'Le corps de la requête est vide ou n’est pas du JSON : envoyez {"query": "…"} avec « Content-Type: application/json ».'],
  [/^GraphQL queries must be strings\.$/, () => 'Le champ « query » doit être une chaîne de caractères.'],
  [/^`operationName` in a POST body must be a string if provided\.$/, () => 'Le champ « operationName » doit être une chaîne de caractères.'],
  [/^`variables` in a POST body (must|should) be provided as an object.*$|^`variables` in a POST body must be an object if provided\.$/s, () => 'Le champ « variables » doit être un objet JSON (une propriété par variable).'],
  [/^`extensions` in a POST body .*$/s, () => 'Le champ « extensions » doit être un objet JSON.'],
  [/^GET requests only support query operations, not (\w+) operations$/, (op) => `Une requête GET ne peut faire que des lectures (query), pas une opération ${op === 'mutation' ? 'de modification (mutation)' : op} : envoyez-la en POST.`],
  [/^GET requests may not have a content-type header other than application\/json\.$/, () => 'Une requête GET ne peut pas avoir d’autre Content-Type que application/json.'],
  [/^The (.+?) search parameter contains invalid JSON\.$/, (p) => `Le paramètre « ${p} » de l’adresse n’est pas du JSON valide.`],
  [/^The (.+?) search parameter should contain a JSON-encoded object\.$/, (p) => `Le paramètre « ${p} » de l’adresse doit contenir un objet JSON.`],
  [/^The '(.+?)' search parameter may only be specified once\.$/, (p) => `Le paramètre « ${p} » ne peut figurer qu’une fois dans l’adresse.`],
  [/^Apollo Server supports only GET\/POST requests\.$/, () => 'Seules les méthodes GET et POST sont acceptées.'],
  [/^No operations found in request\.$/, () => 'La requête ne contient aucune opération.'],
  [/^An 'accept' header was provided for this request which does not accept/, () => 'L’en-tête « Accept » de la requête n’accepte aucun format de réponse que Pollen sait produire (application/json).'],
  [/^Unknown operation named "(.+?)"\.$/, (o) => `Le document ne contient pas d’opération nommée « ${o} ».`],
  [/^Must provide operation name if query contains multiple operations\.$/, () => 'Le document contient plusieurs opérations : indiquez laquelle exécuter (operationName).'],
  [/^Could not determine what operation to execute|^Must provide an operation\.$/, () => 'Le document ne contient aucune opération à exécuter.'],
  [/^PersistedQueryNotFound$/, () => 'Requête persistée inconnue : envoyez le texte complet de la requête avec son empreinte.'],
  [/^PersistedQueryNotSupported$|^Unsupported persisted query version$/, () => 'Cette forme de requête persistée n’est pas prise en charge.'],
  [/^provided sha does not match query$/, () => 'L’empreinte sha256 fournie ne correspond pas au texte de la requête.'],
];

/** graphql-js's execution errors, which Apollo codes INTERNAL_SERVER_ERROR. */
const EXECUTION: Array<[RegExp, Build]> = [
  [/^Schema is not configured to execute (\w+) operation\.$/, (op) => `Pollen n’accepte pas les opérations ${op} : seulement query (lecture) et mutation (modification).`],
  [/^Cannot return null for non-nullable field (.+?)\.$/, (f) => `Le champ ${f} ne peut pas être vide et n’a pas pu être calculé.`],
];

const CODES_TRANSLATED = new Set([
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** A French sentence for an English message of that kind no pattern knows. */
const GENERIC: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: 'Erreur de syntaxe dans la requête, à l’endroit indiqué.',
  GRAPHQL_VALIDATION_FAILED: 'La requête ne correspond pas au schéma de Pollen, à l’endroit indiqué (voir /schema.graphql).',
  BAD_USER_INPUT: 'Une valeur de la requête est invalide.',
  BAD_REQUEST: 'La requête HTTP est mal formée.',
  OPERATION_RESOLUTION_FAILURE: 'L’opération à exécuter n’a pas pu être déterminée.',
};

export interface FrenchMessage {
  message: string;
  /** graphql-js's or Apollo's English text, when no French pattern knew it: for developers. */
  detail?: string;
}

/** The French message for a graphql-js or Apollo request error; undefined when it is ours already. */
export function frenchRequestError(code: unknown, message: string): FrenchMessage | undefined {
  if (typeof code !== 'string') return undefined;
  // graphql-js's own execution errors (no operation of that kind, a null where none may be).
  if (code === 'INTERNAL_SERVER_ERROR') {
    for (const [pattern, build] of EXECUTION) {
      const m = pattern.exec(message);
      if (m) return { message: build(...m.slice(1)) };
    }
    return undefined;
  }
  if (!CODES_TRANSLATED.has(code)) return undefined;
  const syntax = /^Syntax Error: (.+)$/s.exec(message);
  if (syntax) {
    const { text, known } = frenchSyntax(syntax[1]!);
    return known ? { message: `Erreur de syntaxe dans la requête : ${text}` } : { message: GENERIC.GRAPHQL_PARSE_FAILED!, detail: message };
  }
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(message);
    if (m) return { message: build(...(m.length > 1 ? m.slice(1) : [m[0]])) };
  }
  // Our own messages are French already (Pollen's BAD_USER_INPUT refusals all are); graphql-js
  // and Apollo ones are English.
  if (code === 'BAD_USER_INPUT' || /[àâçéèêëîïôûùœ’«]/i.test(message)) return undefined;
  return { message: GENERIC[code] ?? 'La requête GraphQL est invalide.', detail: message };
}
