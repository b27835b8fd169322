import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message:
		| 'addLabels'
		| 'get'
		| 'getMany'
		| 'markAsRead'
		| 'markAsUnread'
		| 'removeLabels'
		| 'reply'
		| 'send';
	label: 'getMany';
	thread: 'get';
};

export type GmailCrmType = AllEntities<NodeMap>;
