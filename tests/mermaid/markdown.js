'use strict';
// Finds the ```mermaid blocks of a Markdown file the way a CommonMark renderer does: a fence is
// three or more backticks or tildes indented by at most three spaces, it closes on a line with the
// same character repeated at least as many times, and a fence opened inside another code block is
// just text. Only blocks whose info string starts with the word "mermaid" are diagrams.

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*$/;

/**
 * Extracts the Mermaid diagrams of a Markdown text.
 *
 * @param {string} text the whole file, any line ending
 * @returns {Array<{index: number, line: number, source: string, problem: (string|undefined)}>}
 *   the blocks in document order, numbered from 1, with the 1-based line of the opening fence and
 *   the diagram text (the fence's indentation removed, as CommonMark does). A fence that never
 *   closes runs to the end of the file, as renderers do, but carries a problem: a generator that
 *   forgot a closing fence has swallowed the rest of its document.
 */
function extractMermaid(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let open = null; // the fence being read: {char, length, indent, line, mermaid, body}

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open === null) {
      const m = FENCE_OPEN.exec(line);
      // A backtick fence may not have backticks in its info string.
      if (m && !(m[2][0] === '`' && line.slice(m[1].length + m[2].length).includes('`'))) {
        open = {
          char: m[2][0],
          length: m[2].length,
          indent: m[1].length,
          line: i + 1,
          mermaid: m[3] === 'mermaid',
          body: [],
        };
      }
      continue;
    }
    const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
    if (close && close[1][0] === open.char && close[1].length >= open.length) {
      if (open.mermaid) {
        blocks.push({ index: blocks.length + 1, line: open.line, source: open.body.join('\n') });
      }
      open = null;
      continue;
    }
    if (open.mermaid) {
      // Content lines lose up to as many leading spaces as the fence was indented.
      let strip = 0;
      while (strip < open.indent && line[strip] === ' ') strip++;
      open.body.push(line.slice(strip));
    }
  }
  if (open !== null && open.mermaid) {
    blocks.push({
      index: blocks.length + 1,
      line: open.line,
      source: open.body.join('\n'),
      problem: `the code fence opened on line ${open.line} is never closed`,
    });
  }
  return blocks;
}

module.exports = { extractMermaid };
