// A small Markdown reader for run descriptions: headings, paragraphs, lists, code blocks, **bold**, _italic_,
// `code` and [links](https://…). It builds DOM nodes, never markup, so any HTML in a description shows as text;
// links go only to http, https and mailto addresses.
import { el } from "./dom.js";

/** The nodes of a Markdown text. */
export function markdown(text) {
  const nodes = [];
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) { i++; continue; }
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      nodes.push(el("pre", {}, el("code", {}, code.join("\n"))));
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      nodes.push(el("h" + Math.min(6, heading[1].length + 2), {}, inline(heading[2])));
      i++;
      continue;
    }
    const bullet = /^\s*(?:[-*+]|(\d+)[.)])\s+/;
    if (bullet.test(line)) {
      const ordered = Boolean(bullet.exec(line)[1]);
      const items = [];
      for (; i < lines.length && bullet.test(lines[i]); i++) items.push(el("li", {}, inline(lines[i].replace(bullet, ""))));
      nodes.push(el(ordered ? "ol" : "ul", {}, items));
      continue;
    }
    const paragraph = [];
    for (; i < lines.length && !/^\s*$/.test(lines[i]) && !/^```|^#{1,4}\s/.test(lines[i]) && !bullet.test(lines[i]); i++) paragraph.push(lines[i]);
    nodes.push(el("p", {}, inline(paragraph.join(" "))));
  }
  return nodes;
}

// Inline spans: code first (nothing inside it is read), then links, bold and italic.
function inline(text) {
  const out = [];
  const pattern = /`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*]+)\*|_([^_]+)_/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const [, code, label, href, bold1, bold2, italic1, italic2] = match;
    if (code !== undefined) out.push(el("code", {}, code));
    else if (label !== undefined) out.push(/^(https?:|mailto:)/i.test(href) ? el("a", { href, rel: "noopener noreferrer", target: "_blank" }, inline(label)) : match[0]);
    else if (bold1 !== undefined || bold2 !== undefined) out.push(el("strong", {}, inline(bold1 ?? bold2)));
    else out.push(el("em", {}, inline(italic1 ?? italic2)));
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
