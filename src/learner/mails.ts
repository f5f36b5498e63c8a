/** The learner space's mails: plain French text, each with its single-use link. */
import type { OutgoingMail } from '../mail/outbox.js';

export function confirmationMail(to: string, name: string, link: string): OutgoingMail {
  return {
    kind: 'learner-confirmation', to,
    subject: 'Confirmez votre adresse pour le parcours Pollen',
    text: [
      `Bonjour ${name},`, '',
      'Vous venez de créer un compte sur le parcours de formation Pollen. Pour l’activer, ouvrez ce lien puis appuyez sur « Confirmer mon adresse » :',
      link, '',
      'Le lien est valable 48 heures. Si vous n’avez rien demandé, ignorez ce message : aucun compte ne sera créé.',
    ].join('\n'),
  };
}

export function alreadyRegisteredMail(to: string, signInLink: string, resetLink: string): OutgoingMail {
  return {
    kind: 'learner-already-registered', to,
    subject: 'Vous avez déjà un compte sur le parcours Pollen',
    text: [
      'Bonjour,', '',
      'Quelqu’un (vous, sans doute) a voulu créer un compte avec cette adresse, mais elle a déjà un compte sur le parcours Pollen.',
      `Connectez-vous : ${signInLink}`,
      `Mot de passe oublié ? ${resetLink}`, '',
      'Si vous n’avez rien demandé, ignorez ce message.',
    ].join('\n'),
  };
}

export function passwordLinkMail(to: string, name: string, link: string): OutgoingMail {
  return {
    kind: 'learner-password', to,
    subject: 'Choisir un nouveau mot de passe pour le parcours Pollen',
    text: [
      `Bonjour ${name},`, '',
      'Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :',
      link, '',
      'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste le même.',
    ].join('\n'),
  };
}
