import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { GoogleAdsCrmV1 } from './v1/GoogleAdsCrmV1.node';

export class GoogleAdsCrm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Google Ads CRM',
			name: 'googleAdsCrm',
			icon: { light: 'file:googleAdsCrm.svg', dark: 'file:googleAdsCrm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'Manage Google Ads campaigns, read their metrics, and upload offline conversions from CRM events through an outbox',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new GoogleAdsCrmV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
