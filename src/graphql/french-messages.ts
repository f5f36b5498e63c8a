/**
 * graphql-js and Apollo write their validation, syntax and variable errors in English. Clients
 * branch on `extensions.code`; people read the message, so the common ones are put in French
 * and any other is wrapped in a French sentence that keeps the original for the developer.
 */
const PATTERNS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^Cannot query field "(.+?)" on type "(.+?)"\.(?: Did you mean (.+)\?)?$/, (f, t, hint) =>
    `Le champ « ${f} » n’existe pas sur le type « ${t} ».${hint ? ` Vouliez-vous dire ${quotes(hint)} ?` : ''}`],
  [/^Unknown argument "(.+?)" on field "(.+?)"\.(?: Did you mean (.+)\?)?$/, (a, f, hint) =>
    `L’argument « ${a} » n’existe pas sur le champ « ${f} ».${hint ? ` Vouliez-vous dire ${quotes(hint)} ?` : ''}`],
  [/^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\.$/, (f, a, t) =>
    `Le champ « ${f} » demande l’argument « ${a} » (type ${t}), absent ici.`],
  [/^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./, (f, t) =>
    `Le champ « ${f} » (type ${t}) demande une liste de sous-champs entre accolades.`],
  [/^Variable "\$(.+?)" of required type "(.+?)" was not provided\.$/, (v, t) =>
    `La variable $${v} (type ${t}) est obligatoire mais n’a pas été fournie.`],
  [/^Variable "\$(.+?)" of non-null type "(.+?)" must not be null\.$/, (v, t) =>
    `La variable $${v} (type ${t}) ne peut pas être null.`],
  [/^Variable "\$(.+?)" got invalid value (.+?); (.+)$/s, (v, value, why) =>
    `La variable $${v} a une valeur invalide (${value}) : ${frenchReason(why)}`],
  [/^Variable "\$(.+?)" is never used(?: in operation "(.+?)")?\.$/, (v) => `La variable $${v} est déclarée mais jamais utilisée.`],
  [/^Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?\.$/, (v) => `La variable $${v} est utilisée mais n’est pas déclarée.`],
  [/^Syntax Error: (.+)$/s, (why) => `Erreur de syntaxe dans la requête : ${why}`],
  [/^Unknown type "(.+?)"\./, (t) => `Le type « ${t} » n’existe pas.`],
  [/^Must provide query string\.$/, () => 'Aucune requête GraphQL n’a été envoyée (champ « query » vide ou absent).'],
  [/^Variables must be provided as an Object where each property is a variable value\./, () => 'Les variables doivent être un objet JSON (une propriété par variable).'],
];

function quotes(hint: string): string {
  return hint.replace(/"([^"]+)"/g, '« $1 »').replace(/ or /g, ' ou ');
}

function frenchReason(why: string): string {
  return why
    .replace(/^Expected type "(.+?)"\. (.+)$/s, 'type attendu $1 ($2)')
    .replace(/^Int cannot represent non-integer value: (.+)$/, 'Int n’accepte que des entiers (reçu $1)')
    .replace(/^Int cannot represent non 32-bit signed integer value: (.+)$/, 'Int n’accepte que des entiers sur 32 bits (reçu $1)')
    .replace(/^String cannot represent a non string value: (.+)$/, 'String n’accepte que du texte (reçu $1)')
    .replace(/^Boolean cannot represent a non boolean value: (.+)$/, 'Boolean n’accepte que true ou false (reçu $1)')
    .replace(/^Expected value of type "(.+?)", found (.+?)\.?$/, 'type attendu $1, reçu $2')
    .replace(/^Expected non-nullable type "(.+?)" not to be null\.$/, 'le type $1 ne peut pas être null');
}

/** The French message for a graphql-js or Apollo request error; undefined when it is ours already. */
export function frenchRequestError(code: unknown, message: string): string | undefined {
  if (code !== 'GRAPHQL_VALIDATION_FAILED' && code !== 'GRAPHQL_PARSE_FAILED' && code !== 'BAD_USER_INPUT' && code !== 'BAD_REQUEST' && code !== 'OPERATION_RESOLUTION_FAILURE') return undefined;
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(message);
    if (m) return build(...m.slice(1));
  }
  // Our own BAD_USER_INPUT messages are French already; graphql-js ones start in English.
  if (code === 'BAD_USER_INPUT' || /[àâçéèêëîïôûùœ’«]/i.test(message)) return undefined;
  return `La requête GraphQL est invalide (détail technique : ${message})`;
}
