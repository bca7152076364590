export { createSlackNotifier, type SlackNotifier, type SlackNotifierOptions } from './notifier.js';
export { createSlackTransport, SlackError, type SlackDestination, type SlackTransport } from './transport.js';
export { driftMessage, driftResolvedReply, driftUpdateReply, manifestUrl, type LinkOptions } from './drift-message.js';
export { deployFailedMessage, sourceRecoveredMessage, sourceUnreachableMessage } from './ops-messages.js';
