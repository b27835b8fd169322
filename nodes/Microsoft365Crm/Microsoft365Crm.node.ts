import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { Microsoft365CrmV1 } from './v1/Microsoft365CrmV1.node';

export class Microsoft365Crm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Microsoft 365 CRM',
			name: 'microsoft365Crm',
			icon: { light: 'file:microsoft365Crm.svg', dark: 'file:microsoft365Crm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'Send, reply to, read, search and move Outlook mail and manage calendar events as CRM records',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new Microsoft365CrmV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
