/** The element matching `selector`; a page without it is a bug in the page, so it throws. */
export function $<E extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): E {
  const e = root.querySelector<E>(selector);
  if (!e) throw new Error(`page: no element ${selector}`);
  return e;
}
