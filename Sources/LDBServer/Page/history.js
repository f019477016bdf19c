// The history panel: the revision tree as a branch graph, newest at the top. A click checks a revision out.

const ROW = 22;
const COLUMN = 14;
const SVG = 'http://www.w3.org/2000/svg';

function element(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Columns: a revision continues its parent's column when it is the parent's first child, else opens a new one.
function layout(revisions) {
  const children = new Map();
  for (const revision of revisions) {
    if (revision.parent == null) continue;
    if (!children.has(revision.parent)) children.set(revision.parent, []);
    children.get(revision.parent).push(revision.id);
  }
  const column = new Map();
  let next = 0;
  const stack = revisions.filter((revision) => revision.parent == null).map((revision) => [revision.id, next++]);
  while (stack.length) {
    const [id, assigned] = stack.pop();
    column.set(id, assigned);
    const kids = children.get(id) || [];
    kids.forEach((kid, index) => stack.push([kid, index === 0 ? assigned : next++]));
  }
  return column;
}

export function drawHistory(container, history, onCheckout) {
  const revisions = history.revisions;
  const column = layout(revisions);
  const row = new Map(revisions.map((revision, index) => [revision.id, revisions.length - 1 - index]));
  const columns = Math.max(1, ...column.values()) + 1;
  const svg = element('svg', { height: revisions.length * ROW + 8, role: 'list' });
  const x = (id) => 10 + column.get(id) * COLUMN;
  const y = (id) => 12 + row.get(id) * ROW;
  for (const revision of revisions) {
    if (revision.parent == null || !row.has(revision.parent)) continue;
    const [x1, y1, x2, y2] = [x(revision.parent), y(revision.parent), x(revision.id), y(revision.id)];
    svg.append(element('path', { d: x1 === x2 ? `M${x1},${y1} L${x2},${y2}` : `M${x1},${y1} C${x1},${y1 - ROW / 2} ${x2},${y1 - ROW / 2} ${x2},${y1 - ROW}  L${x2},${y2}` }));
  }
  for (const revision of revisions) {
    const group = element('g', { class: 'revision', 'data-revision': revision.id, role: 'listitem' });
    const isHead = revision.id === history.head;
    group.append(element('circle', { cx: x(revision.id), cy: y(revision.id), r: 5, class: isHead ? 'head' : '' }));
    const label = element('text', { x: 10 + columns * COLUMN, y: y(revision.id) + 4 });
    label.append(element('tspan', {}, `${revision.id} ${revision.description}`));
    for (const tag of revision.tags) label.append(element('tspan', { class: 'tag', dx: 6 }, `[${tag}]`));
    group.append(label);
    const title = element('title', {}, `${revision.description}\n${revision.created_at}${isHead ? '\n(HEAD)' : ''}`);
    group.append(title);
    group.addEventListener('click', () => onCheckout(revision.id));
    svg.append(group);
  }
  container.replaceChildren(svg);
}
