// Block Kit limits for messages, as Slack documents them in the Block Kit
// reference (docs.slack.dev/reference/block-kit/...). They live in one table so
// a change on Slack's side is a one-line edit here, and so tests can name the
// limit they are probing instead of repeating a magic number.
export const LIMITS = {
  /** Message `text`: Slack truncates past this (chat.postMessage "Truncating content"). */
  messageText: 40_000,
  /** Blocks per message (modals and Home tabs allow 100; messages 50). */
  blocksPerMessage: 50,
  blockId: 255,
  actionId: 255,
  /** Any text object's `text` (composition-objects/text-object). */
  textObject: 3_000,
  sectionText: 3_000,
  sectionFields: 10,
  sectionFieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  imageUrl: 3_000,
  imageAltText: 2_000,
  imageTitle: 2_000,
  /** A markdown block's text, and the cumulative total of all markdown blocks in one payload. */
  markdownText: 12_000,
  buttonText: 75,
  buttonUrl: 3_000,
  buttonValue: 2_000,
  buttonAccessibilityLabel: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;
