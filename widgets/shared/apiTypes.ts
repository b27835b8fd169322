// The JSON the widget API answers with (core/api), as the browser sees it. Declared here rather
// than imported so the widgets' type check does not pull in the server code.
import type { WidgetProvider } from '../../core/api/routeTable';

export type IntegrationStatus =
	| 'connected'
	| 'syncing'
	| 'throttled'
	| 'requires_reauth'
	| 'failed'
	| 'disconnected';

export interface IntegrationSettings {
	syncEnabled: boolean;
	syncMail: boolean;
	syncCalendar: boolean;
	mailFolders: string[];
	calendars: string[];
	visibility: 'metadata' | 'subject' | 'everything';
	contactCreation: 'workspace_default' | 'sent_and_received' | 'sent' | 'none';
	autoEnrich: boolean;
	[key: string]: unknown;
}

export interface SyncProgress {
	syncRunId: string;
	kind: string;
	startedAt: string;
	done: number | null;
	total: number | null;
	source: string | null;
}

export interface IntegrationStatusView {
	id: string;
	workspaceId: string;
	provider: WidgetProvider;
	accountEmail: string;
	displayName: string | null;
	status: IntegrationStatus;
	errorClass: string | null;
	errorMessage: string | null;
	throttledUntil: string | null;
	settings: IntegrationSettings;
	lastSuccessAt: string | null;
	nextSyncAt: string | null;
	connectedAt: string | null;
	disconnectedAt: string | null;
	progress: SyncProgress | null;
}

export interface ProviderEntry {
	provider: WidgetProvider;
	configured: boolean;
	integration: IntegrationStatusView | null;
}

export interface MailLabel {
	id: string;
	name: string;
	type: 'system' | 'user';
}

export interface CalendarEntry {
	id: string;
	name: string;
	primary: boolean;
	selected: boolean;
}

export interface RecordHit {
	recordType: 'person' | 'company';
	id: string;
	name: string;
	email: string | null;
	domain: string | null;
}
