/**
 * Commander speaks English ("Usage:", "Options:", "display help for command", "error: unknown
 * option"). Every bot calls `frenchProgram(name, description)` to get a program whose help and
 * errors read in French; subcommands inherit it (commander copies help and output settings).
 */
import { Command, Help, type Option } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Options:': 'Options :',
  'Global Options:': 'Options générales :',
  'Commands:': 'Commandes :',
  'Arguments:': 'Arguments :',
};

/** Commander's error messages, English pattern → French. */
const ERRORS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^error: unknown option '(.+?)'/, (o) => `erreur : option inconnue « ${o} »`],
  [/^error: unknown command '(.+?)'/, (c) => `erreur : commande inconnue « ${c} »`],
  [/^error: missing required argument '(.+?)'/, (a) => `erreur : argument obligatoire manquant « ${a} »`],
  [/^error: option '(.+?)' argument missing/, (o) => `erreur : l’option « ${o} » attend une valeur`],
  [/^error: required option '(.+?)' not specified/, (o) => `erreur : l’option obligatoire « ${o} » manque`],
  [/^error: option '(.+?)' argument '(.*?)' is invalid\./, (o, v) => `erreur : valeur « ${v} » refusée pour l’option « ${o} »`],
  [/^error: too many arguments.*?Expected (\d+) argument.*? but got (\d+)\./, (e, g) => `erreur : trop d’arguments (${e} attendu${Number(e) > 1 ? 's' : ''}, ${g} reçu${Number(g) > 1 ? 's' : ''})`],
  [/^error: (.+) cannot be used with (.+)$/m, (a, b) => `erreur : ${a} ne peut pas être utilisée avec ${b}`],
];

/** Commander's error text in French; unknown messages go through unchanged. */
export function frenchError(message: string): string {
  const [first, ...rest] = message.replace(/\n$/, '').split('\n');
  let line = first ?? '';
  for (const [pattern, build] of ERRORS) {
    const m = pattern.exec(line);
    if (m) {
      line = build(...m.slice(1));
      break;
    }
  }
  const suggestion = rest
    .join('\n')
    .replace(/\(Did you mean one of (.+)\?\)/, '(Vouliez-vous dire l’une de ces valeurs : $1 ?)')
    .replace(/\(Did you mean (.+)\?\)/, '(Vouliez-vous dire $1 ?)');
  return `${line}${suggestion ? `\n${suggestion}` : ''}\n`;
}

class FrenchHelp extends Help {
  override styleTitle(title: string): string {
    return super.styleTitle(TITLES[title] ?? title);
  }

  override commandUsage(command: Command): string {
    return frenchTerms(super.commandUsage(command));
  }

  override subcommandTerm(command: Command): string {
    return frenchTerms(super.subcommandTerm(command));
  }

  override optionDescription(option: Option): string {
    return frenchExtras(super.optionDescription(option));
  }

  override argumentDescription(argument: Parameters<Help['argumentDescription']>[0]): string {
    return frenchExtras(super.argumentDescription(argument));
  }
}

function frenchTerms(text: string): string {
  return text.replace(/\[command\]/g, '[commande]');
}

function frenchExtras(text: string): string {
  return text.replace(/\bdefault: /g, 'par défaut : ').replace(/\bchoices: /g, 'valeurs : ').replace(/\benv: /g, 'variable : ');
}

/**
 * A Command with French help and errors. Its subcommands are FrenchCommands too (commander makes
 * them with createCommand and copies the help and output settings to them).
 */
export class FrenchCommand extends Command {
  constructor(name?: string) {
    super(name);
    this.helpOption('-h, --help', 'afficher l’aide');
    this.configureOutput({ outputError: (message, write) => write(frenchError(message)) });
  }

  override createCommand(name?: string): Command {
    return new FrenchCommand(name);
  }

  override createHelp(): Help {
    return Object.assign(new FrenchHelp(), this.configureHelp());
  }

}

/** A new program named `name`, French help and errors, with a French `help` command. */
export function frenchProgram(name: string, description: string): FrenchCommand {
  const program = new FrenchCommand(name);
  program.helpCommand('help [commande]', 'afficher l’aide d’une commande');
  return program.description(description);
}
