/**
 * First step of a note's journey: the bytes of a file to text. The encoding is decided on the
 * whole text, never on byte patterns: a text that is valid UTF-8 (with or without BOM) is UTF-8;
 * UTF-16 needs its BOM; anything else is read as Windows-1252 (a superset of Latin-1, what older
 * office tools save French text in). Both UTF-16 and Windows-1252 come with a French warning
 * naming the encoding. Nothing is ever decoded to U+FFFD replacement characters, except a text
 * whose Windows-1252 reading shows UTF-8 letters ("Ã©" for "é"): two encodings in one file, which
 * no reading gets right, refused with what to do.
 */

export type NoteEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'mixed';

export interface DecodedNote {
  text: string;
  encoding: NoteEncoding;
  /** French, for people: how the file was read when it was not plain UTF-8. */
  warnings: string[];
}

/**
 * French letters and punctuation saved as UTF-8 then read as Windows-1252: "Ã©" (é), "Ã¨" (è),
 * "Ã " (à), "Ã§" (ç), "â€™" (’), "Â«" («)... A French text never holds these pairs.
 */
const UTF8_READ_AS_CP1252 = /Ã[\u00a0-\u00bf\u0080-\u009f€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€[™˜œ¦“”¢\u009d]|Â[«»\u00a0°]/;

export function decodeNoteBytes(bytes: Uint8Array, fileName = 'la note'): DecodedNote {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    return {
      text: new TextDecoder(utf16).decode(bytes.subarray(2)),
      encoding: utf16,
      warnings: [`« ${fileName} » n’est pas en UTF-8 : lu comme de l’UTF-16 (« Unicode » du Bloc-notes de Windows). Vérifiez les accents sur la page ; enregistrez le fichier en UTF-8 pour ne plus voir cet avertissement.`],
    };
  }
  try {
    // `fatal`: an invalid sequence throws instead of becoming U+FFFD. The BOM is dropped.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', warnings: [] };
  } catch {
    const text = decodeWindows1252(bytes);
    if (UTF8_READ_AS_CP1252.test(text)) {
      // Some letters are UTF-8, others are not. The lossy UTF-8 reading holds U+FFFD, which the
      // converter refuses; the warning says what happened and what to do.
      return {
        text: new TextDecoder('utf-8').decode(bytes),
        encoding: 'mixed',
        warnings: [`« ${fileName} » mélange deux encodages (UTF-8 et Windows-1252, souvent après un copier-coller entre deux logiciels) : une partie des accents ne peut pas être lue. Ouvrez le fichier, corrigez les lettres accentuées illisibles et enregistrez-le en UTF-8.`],
      };
    }
    return {
      text,
      encoding: 'windows-1252',
      warnings: [`« ${fileName} » n’est pas en UTF-8 : lu comme du Windows-1252 (Latin-1), encodage des anciens traitements de texte. Vérifiez les accents sur la page ; enregistrez le fichier en UTF-8 pour ne plus voir cet avertissement.`],
    };
  }
}

/**
 * Windows-1252 bytes 0x80–0x9F (€, ‘ ’ “ ” •, – —, œ, Œ…); 0x81, 0x8D, 0x8F, 0x90, 0x9D are
 * unassigned and kept as their Latin-1 control characters. Written out because Node's
 * TextDecoder('windows-1252') decodes as plain Latin-1 and turns `•` and `€` into controls.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return out;
}
