import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'get';
};

export type GmailCrmType = AllEntities<NodeMap>;
