// Typed widget events: `emit(host, 'crm-connect', detail)` dispatches a CustomEvent that bubbles
// and crosses shadow roots. Each widget declares its events' details by augmenting
// `CrmEventDetailMap` (and `GlobalEventHandlersEventMap`, for `addEventListener` typing):
//
//   declare module '../shared/events' { interface CrmEventDetailMap { 'crm-email-select': {…} } }
//   declare global { interface GlobalEventHandlersEventMap { 'crm-email-select': CustomEvent<…> } }

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CrmEventDetailMap {}

export type CrmEventName = keyof CrmEventDetailMap;

/**
 * Dispatches `name` from `host` (bubbles, composed). Returns false when a listener called
 * `preventDefault()` on a cancelable event.
 */
export function emit<K extends CrmEventName>(
	host: EventTarget,
	name: K,
	detail: CrmEventDetailMap[K],
	options: { cancelable?: boolean } = {},
): boolean {
	return host.dispatchEvent(
		new CustomEvent(name, {
			detail,
			bubbles: true,
			composed: true,
			cancelable: options.cancelable ?? false,
		}),
	);
}
