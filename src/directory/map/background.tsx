/**
 * The map's background (the départements' contours and the overseas insets) as an SVG file of
 * its own, drawn once at start: it is the same for every page and every filter, so a browser
 * fetches it once (its URL carries its hash, cached for a year) instead of reading 40 KB of paths
 * in each /annuaire page. Presentation attributes, not a stylesheet: an image has no CSS of the
 * page's. It is decoration (aria-hidden on the page); the list says what the map shows.
 */
import { createHash } from 'node:crypto';
import { rendered } from '../../web/fragments.js';
import { AREAS, CONTOURS, MAP_HEIGHT, MAP_WIDTH, departementPath } from './projection.js';

function Background() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} width={MAP_WIDTH} height={MAP_HEIGHT}>
      <g fill="#e3ebf2" stroke="#8a96a3" stroke-width="1">
        {AREAS.slice(1).map((a) => <rect x={a.box.x - 6} y={a.box.y - 40} width={a.box.width + 12} height={a.box.height + 46} rx="6" />)}
      </g>
      <g font-family="system-ui, sans-serif" font-size="24" fill="#1a1a1a" text-anchor="middle">
        {AREAS.slice(1).map((a) => <text x={a.box.x + a.box.width / 2} y={a.box.y - 12}>{a.label}</text>)}
      </g>
      <g fill="#fff" stroke="#8a96a3" stroke-width="1.2" stroke-linejoin="round">
        {CONTOURS.map((c) => <path d={departementPath(c)} />)}
      </g>
    </svg>
  );
}

export const MAP_BACKGROUND = `<?xml version="1.0" encoding="UTF-8"?>\n${rendered(<Background />)}`;

/** Where the background is served: a new drawing is a new URL. */
export const MAP_BACKGROUND_URL = `/annuaire/carte/fond-${createHash('sha256').update(MAP_BACKGROUND).digest('hex').slice(0, 12)}.svg`;
