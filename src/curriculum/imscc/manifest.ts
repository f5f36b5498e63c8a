import { groups, groupTitles, type CurriculumModule } from '../schema.js';
import { attributes, textElement, xmlId, XML_DECLARATION } from './xml.js';

/** The IMS Common Cartridge 1.1 manifest: namespaces, schema locations, metadata, one organization, resources. */

export const CC_NAMESPACE = 'http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1';
export const LOM_MANIFEST_NAMESPACE = 'http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest';
export const LOM_RESOURCE_NAMESPACE = 'http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const SCHEMA_LOCATION = [
  CC_NAMESPACE,
  'http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd',
  LOM_MANIFEST_NAMESPACE,
  'http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd',
  LOM_RESOURCE_NAMESPACE,
  'http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd',
].join(' ');

export const resourceTypes = {
  webcontent: 'webcontent',
  weblink: 'imswl_xmlv1p1',
  assessment: 'imsqti_xmlv1p2/imscc_xmlv1p1/assessment',
} as const;

/** One resource of the package; `href` only for launchable web content (CC 1.1 forbids it on links and assessments). */
export interface CartridgeResource {
  identifier: string;
  type: (typeof resourceTypes)[keyof typeof resourceTypes];
  file: string;
  href?: string;
}

/** A leaf of the organization: a titled item pointing at one resource. */
export interface CartridgeActivity {
  itemIdentifier: string;
  title: string;
  resource: CartridgeResource;
}

/** What the manifest needs to know about one module once its resources are laid out. */
export interface ModuleEntry {
  module: CurriculumModule;
  activities: CartridgeActivity[];
}

export interface ManifestInput {
  identifier: string;
  title: string;
  description: string;
  /** The first section (Moodle's section 0, "General"): the course presentation, so that no group lands there. */
  presentation: { title: string; activities: CartridgeActivity[] };
  entries: ModuleEntry[];
}

function lomString(name: string, text: string): string {
  return `<lomimscc:${name}>${textElement('lomimscc:string', text, { language: 'fr' })}</lomimscc:${name}>`;
}

function renderLeaf(activity: CartridgeActivity, indent: string): string {
  return `${indent}<item${attributes({ identifier: activity.itemIdentifier, identifierref: activity.resource.identifier })}>${textElement('title', activity.title)}</item>`;
}

/**
 * Moodle's importer (cc2moodle) makes a section item's title the section's HTML summary without
 * HTML-escaping it (seen with the live converter: a title `Outils &amp; usages &lt;b&gt;` gives the
 * summary `Outils & usages <b>`), so `<` and `>` there would become markup and `&` an entity.
 */
export function assertSectionTitle(title: string): string {
  if (/[&<>]/.test(title)) throw new Error(`section title "${title}" must not contain &, < or > (Moodle's importer puts it unescaped into the section's HTML summary)`);
  return title;
}

/**
 * A top-level item: Moodle's converter makes it a course section (the n-th one is section n - 1) and
 * writes its title into the section's summary; Moodle gives no way to name it from the cartridge.
 * Its activities sit right below it: an item without a resource deeper down would become a label
 * showing Moodle's missing files.gif folder icon.
 */
function renderSection(identifier: string, title: string, activities: CartridgeActivity[]): string {
  const items = activities.map((a) => renderLeaf(a, '          ')).join('\n');
  return `        <item${attributes({ identifier })}>
          ${textElement('title', assertSectionTitle(title))}
${items}
        </item>`;
}

function renderResource(resource: CartridgeResource): string {
  const attrs: Record<string, string> = { identifier: resource.identifier, type: resource.type };
  if (resource.href !== undefined) attrs.href = resource.href;
  return `    <resource${attributes(attrs)}>
      <file${attributes({ href: resource.file })}/>
    </resource>`;
}

export function renderManifest(input: ManifestInput): string {
  // Sections follow the schema's group order; modules keep learner order inside a section; empty groups are left out.
  const sections = [
    renderSection('I_presentation', input.presentation.title, input.presentation.activities),
    ...groups
      .map((group) => [group, input.entries.filter((e) => e.module.group === group)] as const)
      .filter(([, entries]) => entries.length > 0)
      .map(([group, entries]) => renderSection(xmlId('I_section', group), groupTitles[group], entries.flatMap((e) => e.activities))),
  ].join('\n');
  const resources = [...input.presentation.activities, ...input.entries.flatMap((e) => e.activities)]
    .map((a) => renderResource(a.resource))
    .join('\n');
  // Moodle detects CC 1.1 by finding the default namespace in the first 500 bytes: keep xmlns first.
  return `${XML_DECLARATION}
<manifest xmlns="${CC_NAMESPACE}" identifier="${input.identifier}" xmlns:lomimscc="${LOM_MANIFEST_NAMESPACE}" xmlns:lom="${LOM_RESOURCE_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}" xsi:schemaLocation="${SCHEMA_LOCATION}">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.1.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        ${lomString('title', input.title)}
        <lomimscc:language>fr</lomimscc:language>
        ${lomString('description', input.description)}
      </lomimscc:general>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="O_parcours" structure="rooted-hierarchy">
      <item identifier="I_root">
${sections}
      </item>
    </organization>
  </organizations>
  <resources>
${resources}
  </resources>
</manifest>
`;
}
