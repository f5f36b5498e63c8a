import { attributes, textElement, XML_DECLARATION } from './xml.js';

export const WEBLINK_NAMESPACE = 'http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1';
const WEBLINK_SCHEMA_LOCATION = 'http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd';

/** A CC 1.1 web link descriptor (resource type `imswl_xmlv1p1`). */
export function renderWebLink(title: string, url: string): string {
  return `${XML_DECLARATION}
<webLink xmlns="${WEBLINK_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${WEBLINK_NAMESPACE} ${WEBLINK_SCHEMA_LOCATION}">
  ${textElement('title', title)}
  <url${attributes({ href: url, target: '_blank' })}/>
</webLink>
`;
}

/** MediaWiki page URL: spaces become underscores, the rest is percent-encoded except "/" and ":". */
export function wikiPageUrl(baseUrl: string, pageTitle: string): string {
  const path = encodeURIComponent(pageTitle.trim().replace(/ /g, '_'))
    .replace(/%2F/g, '/')
    .replace(/%3A/g, ':');
  return `${baseUrl}${path}`;
}
