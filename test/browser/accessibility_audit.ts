/**
 * Accessibility checks on a page, as one list of problems (empty when none): interactive nodes of
 * Chromium's accessibility tree (CDP `Accessibility.getFullAXTree`) without a name, canvases
 * without a text alternative, sideways overflow of the viewport and visible controls smaller
 * than 24×24 CSS px (WCAG 2.2's target size minimum). Each problem names the element
 * (tag, id or data-testid) so a failure says what to fix.
 */
import type { CDPSession, Page } from 'playwright-core';

/** Roles a person operates (with or without the focusable property). */
const INTERACTIVE_ROLES = new Set([
  'button',
  'checkbox',
  'combobox',
  'link',
  'listbox',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'radio',
  'searchbox',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
  'treeitem',
]);

/** The smallest target, in CSS px, on each side. */
export const MIN_TARGET_PX = 24;

interface AXValue {
  value?: unknown;
}
interface AXNode {
  nodeId: string;
  ignored: boolean;
  role?: AXValue;
  name?: AXValue;
  properties?: Array<{ name: string; value: AXValue }>;
  backendDOMNodeId?: number;
}

/** CDP's flat [name, value, name, value…] attribute list as a map. */
function attributesOf(flat: string[] = []): Map<string, string> {
  const attributes = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) attributes.set(flat[i], flat[i + 1]);
  return attributes;
}

/** "INPUT#range-start" / "BUTTON[data-testid=range-add]" / "BUTTON "×"" for a DOM node. */
async function describeNode(cdp: CDPSession, backendNodeId: number | undefined): Promise<string> {
  if (backendNodeId === undefined) return '(no DOM node)';
  const { node } = await cdp.send('DOM.describeNode', { backendNodeId });
  const attributes = attributesOf(node.attributes);
  const id = attributes.get('id');
  const testId = attributes.get('data-testid');
  const type = attributes.get('type');
  return `${node.nodeName}${type ? `[type=${type}]` : ''}${id ? `#${id}` : testId ? `[data-testid=${testId}]` : ''}`;
}

/** Interactive nodes without a name, and canvases that are not images with a name. */
async function unnamed(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const problems: string[] = [];
    for (const n of nodes) {
      if (n.ignored) continue;
      const role = String(n.role?.value ?? '');
      const name = String(n.name?.value ?? '').trim();
      const focusable = n.properties?.some((p) => p.name === 'focusable' && p.value.value === true) ?? false;
      if (role === 'Canvas' || role === 'image') {
        const what = await describeNode(cdp, n.backendDOMNodeId);
        if (what.startsWith('CANVAS')) {
          if (role !== 'image' || !name) problems.push(`${what}: a canvas (chart or picture) without a text alternative (role ${role})`);
          continue;
        }
      }
      if ((INTERACTIVE_ROLES.has(role) || (focusable && role !== 'RootWebArea')) && !name)
        problems.push(`${await describeNode(cdp, n.backendDOMNodeId)}: ${role} without an accessible name`);
    }
    return problems;
  } finally {
    await cdp.detach();
  }
}

/** An element as the page reports it (tsx names functions, so the page-side code defines none). */
interface Seen {
  tag: string;
  type: string | null;
  id: string;
  testId: string | null;
  text: string;
  width: number;
  height: number;
  /** Measured with the label around it (checkboxes and radios). */
  withLabel: boolean;
}

/** "INPUT[type=number]#stride" or 'BUTTON "×"'. */
function nameOf(e: Seen): string {
  const where = e.id ? `#${e.id}` : e.testId ? `[data-testid=${e.testId}]` : ` "${e.text}"`;
  return `${e.tag}${e.type ? `[type=${e.type}]` : ''}${where}`;
}

/** Sideways overflow and visible controls under {@link MIN_TARGET_PX}. */
async function layoutProblems(page: Page, viewportWidth: number): Promise<string[]> {
  const { scrollWidth, wide, controls } = await page.evaluate((width) => {
    const past = Array.from(document.body.querySelectorAll('*')).filter((e) => e.getBoundingClientRect().right > width + 0.5);
    // The outermost of the elements past the edge say what to fix.
    const outermost = past.filter((e) => !past.includes(e.parentElement as Element));
    const selector = 'button, input:not([type=hidden]), select, textarea, summary, a[href], [role=button], [tabindex]';
    const measured: Array<[Element, DOMRect, Element | null]> = [
      ...outermost.map((e): [Element, DOMRect, Element | null] => [e, e.getBoundingClientRect(), null]),
      ...Array.from(document.querySelectorAll(selector))
        .filter((e) => e.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && !e.closest('.visually-hidden'))
        .map((e): [Element, DOMRect, Element | null] => {
          // A checkbox or radio inside its label is operated through the whole label.
          const label = e.matches('input[type=checkbox], input[type=radio]') ? e.closest('label') : null;
          return [e, (label ?? e).getBoundingClientRect(), label];
        }),
    ];
    const seen = measured.map(([e, box, label]) => ({
      tag: e.tagName,
      type: e.getAttribute('type'),
      id: e.id,
      testId: e.getAttribute('data-testid'),
      text: ((label ?? e).textContent ?? '').trim().slice(0, 30),
      width: box.width,
      height: box.height,
      withLabel: label !== null,
    }));
    const n = outermost.length;
    return { scrollWidth: document.scrollingElement?.scrollWidth ?? 0, wide: seen.slice(0, n), controls: seen.slice(n) };
  }, viewportWidth);
  const problems: string[] = [];
  if (scrollWidth > viewportWidth)
    problems.push(`the page is ${scrollWidth}px wide on a ${viewportWidth}px screen: ${wide.map(nameOf).join(', ')}`);
  for (const c of controls) {
    if ((c.width === 0 && c.height === 0) || (c.width >= MIN_TARGET_PX && c.height >= MIN_TARGET_PX)) continue;
    problems.push(`${nameOf(c)}${c.withLabel ? ' (with its label)' : ''} is ${c.width.toFixed(0)}×${c.height.toFixed(0)}px`);
  }
  return problems;
}

/** Every problem found on `page` at its viewport size; [] when none. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const width = page.viewportSize()?.width ?? (await page.evaluate(() => innerWidth));
  return [...(await unnamed(page)), ...(await layoutProblems(page, width))];
}

/** The accessible name of each canvas with an id (its text alternative; '' when it has none or is no image). */
export async function chartNames(page: Page): Promise<Record<string, string>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'canvas[id]' });
    const names: Record<string, string> = {};
    for (const nodeId of nodeIds) {
      const { node } = await cdp.send('DOM.describeNode', { nodeId });
      const id = attributesOf(node.attributes).get('id') ?? '';
      const { nodes } = (await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false })) as { nodes: AXNode[] };
      const ax = nodes[0];
      names[id] = ax && !ax.ignored && ax.role?.value === 'image' ? String(ax.name?.value ?? '') : '';
    }
    return names;
  } finally {
    await cdp.detach();
  }
}
