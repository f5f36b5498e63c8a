/**
 * The directory's e-mails to visitors, in French: the link that confirms a recommendation or a
 * declaration, and a structure's sign-in link. Queued in the outbox (src/mail) in the transaction
 * that writes the link.
 */
import type { OutgoingMail } from '../mail/index.js';
import { de } from '../text/french.js';
import type { Provider, Recommendation } from './model.js';

const SIGNATURE = ['', '-- ', 'Pollen — message automatique, merci de ne pas y répondre.'];
const NOT_YOU = 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne sera publié.';

export function recommendationConfirmMail(provider: Provider, rec: Recommendation, link: string): OutgoingMail {
  return {
    kind: 'directory.recommendation-confirm',
    to: rec.verificationContact,
    subject: `Confirmez votre recommandation ${de(provider.name)}`,
    text: [
      'Bonjour,', '',
      `Vous avez recommandé « ${provider.name} » dans l’annuaire Pollen au nom de « ${rec.associationName} ».`,
      'Pour que l’équipe d’animation la reçoive, confirmez-la en ouvrant ce lien (valable 7 jours), puis en cliquant sur « Confirmer » :',
      link, '',
      'Une personne de l’équipe d’animation vous contactera ensuite à cette adresse pour vérifier le projet avant de publier la recommandation.', '',
      NOT_YOU,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function declarationConfirmMail(provider: Provider, to: string, link: string): OutgoingMail {
  return {
    kind: 'directory.declaration-confirm',
    to,
    subject: `Confirmez la déclaration ${de(provider.name)}`,
    text: [
      'Bonjour,', '',
      `Vous avez déclaré « ${provider.name} » dans l’annuaire Pollen.`,
      'Confirmez votre adresse en ouvrant ce lien (valable 7 jours), puis en cliquant sur « Confirmer » :',
      link, '',
      'L’équipe d’animation examinera ensuite votre fiche. Elle apparaîtra dans l’annuaire une fois validée et recommandée par au moins une association que vous avez accompagnée.', '',
      NOT_YOU,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function signInMail(providers: readonly Provider[], to: string, links: readonly string[]): OutgoingMail {
  const lines = providers.map((p, i) => `« ${p.name} » : ${links[i]!}`);
  return {
    kind: 'directory.sign-in',
    to,
    subject: 'Votre lien pour gérer votre fiche dans l’annuaire Pollen',
    text: [
      'Bonjour,', '',
      providers.length > 1 ? 'Voici les liens pour gérer vos fiches dans l’annuaire Pollen (chacun valable 30 minutes, une seule fois) :' : 'Voici le lien pour gérer votre fiche dans l’annuaire Pollen (valable 30 minutes, une seule fois) :',
      ...lines, '',
      'Si vous n’avez rien demandé, ignorez ce message : sans ce lien, personne ne peut modifier votre fiche.',
      ...SIGNATURE,
    ].join('\n'),
  };
}
