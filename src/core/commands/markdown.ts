/**
 * Text from a comment, echoed in Ladder's reply as inline code that nothing
 * inside can end: the fence is one backtick longer than the longest run of
 * backticks in the text (CommonMark code spans), line breaks become spaces,
 * and the text is cut to `max` characters. Inside a code span GitHub renders
 * no mention, link, image or HTML, so a comment cannot make Ladder's reply
 * ping a team or load a tracking pixel.
 */
export function codeSpan(text: string, max = 200): string {
  let flat = text.replace(/[\r\n]+/g, ' ');
  if (flat.length > max) flat = `${flat.slice(0, max - 1)}…`;
  if (flat === '') return '` `';
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a leading or trailing backtick from touching the fence; CommonMark strips one each side.
  const pad = longest > 0 || flat.startsWith(' ') || flat.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
