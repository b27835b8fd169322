import CrmConnectStatus from './connect-status.component';

export * from './connect-status.component';
export default CrmConnectStatus;

if (!customElements.get('crm-connect-status')) {
	customElements.define('crm-connect-status', CrmConnectStatus);
}

declare global {
	interface HTMLElementTagNameMap {
		'crm-connect-status': CrmConnectStatus;
	}
}
