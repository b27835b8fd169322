import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	calendar: 'getMany';
	event: 'create' | 'delete' | 'get' | 'getMany' | 'update';
};

export type GoogleCalendarCrmType = AllEntities<NodeMap>;
