import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	channel: 'getMine';
	commentThread: 'getMany';
	comment: 'reply';
};

export type YouTubeCrmType = AllEntities<NodeMap>;
