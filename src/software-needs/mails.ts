/**
 * The mails of `/besoins-logiciels`, in French: the link that confirms a proposal or an entry,
 * and a refusal with its reason. Queued in the outbox (src/mail) in the transaction that writes.
 */
import type { OutgoingMail } from '../mail/index.js';
import type { EntryRole } from './service.js';

const SIGNATURE = ['', '-- ', 'Pollen — message automatique, merci de ne pas y répondre.'];
const NOT_YOU = 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : rien ne sera publié ni compté.';

export function proposalConfirmMail(title: string, to: string, link: string): OutgoingMail {
  return {
    kind: 'software-needs.proposal-confirm',
    to,
    subject: 'Confirmez votre proposition de besoin logiciel',
    text: [
      'Bonjour,', '',
      `Vous avez proposé le besoin « ${title} » sur Pollen.`,
      'Pour qu’il soit pris en compte, ouvrez ce lien (valable 7 jours), puis cliquez sur « Confirmer » :',
      link, '',
      'L’équipe d’animation examinera ensuite la proposition ; elle sera publiée une fois validée.', '',
      NOT_YOU,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function entryConfirmMail(title: string, role: EntryRole, to: string, link: string): OutgoingMail {
  return {
    kind: 'software-needs.entry-confirm',
    to,
    subject: role === 'need' ? 'Confirmez le besoin de votre association' : 'Confirmez votre proposition de réalisation',
    text: [
      'Bonjour,', '',
      role === 'need'
        ? `Vous avez indiqué sur Pollen que votre association a besoin de « ${title} ».`
        : `Vous avez indiqué sur Pollen que vous pourriez réaliser « ${title} ».`,
      'Pour que ce soit pris en compte, ouvrez ce lien (valable 7 jours), puis cliquez sur « Confirmer » :',
      link, '',
      ...(role === 'need' ? ['Une contribution annoncée reste une intention : Pollen n’encaisse rien.', ''] : []),
      NOT_YOU,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function rejectionMail(title: string, to: string, reason: string): OutgoingMail {
  return {
    kind: 'software-needs.rejected',
    to,
    subject: 'Votre proposition de besoin logiciel n’a pas été retenue',
    text: [
      'Bonjour,', '',
      `L’équipe d’animation de Pollen n’a pas retenu votre proposition « ${title} ».`,
      'Motif :', reason, '',
      'Vous pouvez proposer de nouveau un besoin en tenant compte de ce motif.',
      ...SIGNATURE,
    ].join('\n'),
  };
}
