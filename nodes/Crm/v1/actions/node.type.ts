import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	database: 'checkConnection' | 'runMigrations';
};

export type CrmType = AllEntities<NodeMap>;
