import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	message: 'send' | 'reply' | 'get' | 'getAll' | 'move' | 'markAsRead' | 'markAsUnread';
	folder: 'getAll';
	event: 'getAll' | 'create' | 'update';
};

export type Microsoft365CrmType = AllEntities<NodeMap>;
