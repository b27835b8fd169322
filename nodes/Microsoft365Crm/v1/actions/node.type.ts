import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'send' | 'reply' | 'get' | 'getMany' | 'move' | 'markAsRead' | 'markAsUnread';
	folder: 'getMany';
	event: 'getMany' | 'create' | 'update';
};

export type Microsoft365CrmType = AllEntities<NodeMap>;
