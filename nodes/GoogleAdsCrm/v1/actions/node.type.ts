import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	campaign: 'create' | 'enable' | 'get' | 'getMany' | 'pause' | 'update';
	metrics: 'get';
	conversion: 'enqueue' | 'getOutbox' | 'uploadDue';
	customer: 'listAccessible';
};

export type GoogleAdsCrmType = AllEntities<NodeMap>;
