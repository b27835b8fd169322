import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { VersionedNodeType } from 'n8n-workflow';

import { GoogleCalendarCrmV1 } from './v1/GoogleCalendarCrmV1.node';

export class GoogleCalendarCrm extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Google Calendar CRM',
			name: 'googleCalendarCrm',
			icon: { light: 'file:googleCalendarCrm.svg', dark: 'file:googleCalendarCrm.dark.svg' },
			group: ['transform'],
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			description:
				'List calendars and list, get, create, update and delete Google Calendar events as CRM event records',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new GoogleCalendarCrmV1(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
