import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { GmailCrmV1 } from './v1/GmailCrmV1.node';

export class GmailCrm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Gmail CRM',
			name: 'gmailCrm',
			icon: { light: 'file:gmailCrm.svg', dark: 'file:gmailCrm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description: 'Send, reply to, read, search and label Gmail messages as CRM email records',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = { 1: new GmailCrmV1(baseDescription) };
		super(nodeVersions, baseDescription);
	}
}
