import { CrmInbox } from './inbox.component';

export * from './inbox.component';
export type * from './inbox.types';
export { INBOX_STRINGS, type InboxStringKey, type InboxStrings } from './inbox.strings';

if (!customElements.get('crm-inbox')) customElements.define('crm-inbox', CrmInbox);

declare global {
	interface HTMLElementTagNameMap {
		'crm-inbox': CrmInbox;
	}
}
