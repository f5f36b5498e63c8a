/**
 * Word documents (.docx) to document blocks, with mammoth (maintained, reads Word's styles
 * into plain semantic HTML: headings, lists, tables), then the HTML reader. The Title style
 * ("Titre" in French Word) is a first-level heading; images are dropped.
 */
import mammoth from 'mammoth';
import type { DocBlock } from './blocks.js';
import { htmlToBlocks } from './html.js';

const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Titre'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Sous-titre'] => p:fresh",
];

export async function docxToBlocks(bytes: Uint8Array): Promise<DocBlock[]> {
  const { value } = await mammoth.convertToHtml(
    { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
    { styleMap: STYLE_MAP, convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) },
  );
  return htmlToBlocks(value);
}
