import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	database: 'checkConnection' | 'runMigrations';
	integration: 'getConnectUrl' | 'getStatus' | 'updateSettings' | 'disconnect' | 'resync';
	sync: 'syncDueIntegrations' | 'listDueIntegrations' | 'syncOneIntegration' | 'linkRecords';
	email: 'search' | 'get' | 'link' | 'unlink';
	event: 'list' | 'get' | 'link' | 'unlink';
	person: 'createOrUpdate' | 'find';
	company: 'createOrUpdate' | 'find';
	blocklist: 'add' | 'remove' | 'list';
	enrichment: 'enrichIntegration' | 'enrichRecord' | 'getEnrichment';
	webhookSubscription: 'renewDue';
};

export type CrmType = AllEntities<NodeMap>;
