import type {
	IExecuteFunctions,
	INodeType,
	INodeTypeBaseDescription,
	INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';

// The icon comes with versionDescription (as in n8n's Airtable v2); the rule only reads literals.
// eslint-disable-next-line @n8n/community-nodes/icon-validation
export class YouTubeCrmV1 implements INodeType {
	description: INodeTypeDescription;

	constructor(baseDescription: INodeTypeBaseDescription) {
		this.description = { ...baseDescription, ...versionDescription };
	}

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
