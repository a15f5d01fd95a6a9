// Finding the page's elements with their real type: a page and a script that do not match fail at once, with
// the id or selector in the message, instead of a "cannot read properties of null" somewhere later.

/**
 * @template {Element} T
 * @param {Node | null} node
 * @param {new () => T} type
 * @param {string} what how it was looked for, for the error
 * @returns {T}
 */
function checked(node, type, what) {
  if (node instanceof type) return node;
  const found = node === null ? 'nothing' : `<${node.nodeName.toLowerCase()}>`;
  throw new Error(`${what}: expected ${type.name}, found ${found}`);
}

/**
 * @template {Element} T
 * @param {string} id
 * @param {new () => T} type e.g. HTMLInputElement
 * @returns {T}
 */
export function byId(id, type) {
  return checked(document.getElementById(id), type, `#${id}`);
}

/**
 * The first element under `root` that matches `selector`.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
export function query(root, selector, type) {
  return checked(root.querySelector(selector), type, selector);
}

/**
 * Every element under `root` that matches `selector`.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T[]}
 */
export function queryAll(root, selector, type) {
  return [...root.querySelectorAll(selector)].map((node) => checked(node, type, selector));
}

/**
 * A copy of the template's element, to fill in.
 * @param {HTMLTemplateElement} template
 * @returns {HTMLElement}
 */
export function fromTemplate(template) {
  return checked(template.content.firstElementChild?.cloneNode(true) ?? null, HTMLElement, `#${template.id}`);
}
