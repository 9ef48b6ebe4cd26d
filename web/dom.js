// The one way the page builds DOM: el() creates an element, sets attributes
// with setAttribute and adds children as nodes or as text nodes. Text from the
// server (code, findings, output, error messages, stage names) therefore
// always ends up as text, never as markup; the page never assigns innerHTML
// (the lint test enforces that, and the page's Trusted Types policy makes
// any such assignment throw).

/*
 * el('li', {class: 'x', title: t, dataset: {stage: s}}, 'text', node, [more])
 * Attribute values are strings set with setAttribute; `class` sets
 * className, `text` sets textContent, `dataset` copies into data-*.
 * Event handler attributes ("on...") are refused: handlers are attached
 * with addEventListener by the caller.
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false)
      continue;
    if (/^on/i.test(k))
      throw new Error(`el(): event handler attribute ${k} refused`);
    if (k === 'class')
      e.className = v;
    else if (k === 'text')
      e.textContent = String(v);
    else if (k === 'dataset')
      Object.assign(e.dataset, v);
    else
      e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

// Append nodes and strings (as text) to `parent`; arrays are flattened,
// null/undefined/false skipped.
export function append(parent, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false)
      continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

// Remove every child of `node`.
export function clear(node) {
  node.replaceChildren();
  return node;
}

// A string field of untrusted JSON, or `fallback` when absent or not a string.
export function str(v, fallback = '') {
  return typeof v === 'string' ? v : fallback;
}

// A finite number field of untrusted JSON, or null.
export function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// An array field of untrusted JSON, or [].
export function arr(v) {
  return Array.isArray(v) ? v : [];
}

// An object field of untrusted JSON, or {}.
export function obj(v) {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

// Milliseconds as "850 ms" or "1.24 s".
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms))
    return '–';
  if (ms < 1)
    return `${ms.toFixed(2)} ms`;
  if (ms < 1000)
    return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
