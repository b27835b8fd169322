import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { YouTubeCrmV1 } from './v1/YouTubeCrmV1.node';

export class YouTubeCrm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'YouTube CRM',
			name: 'youTubeCrm',
			icon: { light: 'file:youTubeCrm.svg', dark: 'file:youTubeCrm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'Read the connected YouTube channel, list its comment threads and reply to comments',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new YouTubeCrmV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
