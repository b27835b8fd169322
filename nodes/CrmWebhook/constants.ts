// Values the node's description needs. They live here, not in the engine, because n8n reads every
// node's description at boot and reading an engine export would load the whole engine bundle
// (core/lazyEngine.cjs). The engine has the same values (core/webhooks); a test keeps them equal.
export const WEBHOOK_ACTIONS = [
	'ads-conversion-callback',
	'ads-performance-alert',
	'ads-webhook',
	'youtube-webhook',
	'youtube-verify',
] as const;

export const DEFAULT_HUB_URL = 'https://pubsubhubbub.appspot.com/subscribe';
export const DEFAULT_LEASE_SECONDS = 864_000;
