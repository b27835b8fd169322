import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { CrmV1 } from './v1/CrmV1.node';

export class Crm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'CRM',
			name: 'crm',
			icon: { light: 'file:crm.svg', dark: 'file:crm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'Work with the CRM tables: connected integrations and their sync, emails, events, people, companies, the blocklist and the database',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new CrmV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
