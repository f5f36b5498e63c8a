/**
 * First step of a note's journey: the bytes of a file to text. UTF-8 (with or without BOM) is
 * read as is; UTF-16 with a BOM too; anything that is not valid UTF-8 is read as Windows-1252
 * (a superset of Latin-1, what older office tools save French text in), with a warning naming
 * the encoding. Nothing is ever decoded to U+FFFD replacement characters.
 */

export type NoteEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'mixed';

export interface DecodedNote {
  text: string;
  encoding: NoteEncoding;
  /** French, for people: how the file was read when it was not plain UTF-8. */
  warnings: string[];
}

/** A UTF-8 encoded letter (2 or 3 bytes), as seen in a Latin-1 reading of the bytes. */
const UTF8_MULTIBYTE = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}/;

export function decodeNoteBytes(bytes: Uint8Array, fileName = 'la note'): DecodedNote {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', warnings: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', warnings: [] };
  try {
    // `fatal`: an invalid sequence throws instead of becoming U+FFFD. The BOM is dropped.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', warnings: [] };
  } catch {
    if (UTF8_MULTIBYTE.test(Buffer.from(bytes).toString('latin1'))) {
      // Valid UTF-8 letters next to invalid bytes: neither reading is right. The invalid bytes
      // become U+FFFD, which the converter refuses with a message naming the file.
      return {
        text: new TextDecoder('utf-8').decode(bytes),
        encoding: 'mixed',
        warnings: [`« ${fileName} » mélange de l’UTF-8 et un autre encodage (Windows-1252 ?) : des lettres sont illisibles.`],
      };
    }
    const text = decodeWindows1252(bytes);
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
