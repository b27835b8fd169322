// Node and credential types that exist only to test the harness itself: an OAuth2 credential and a
// node that makes one authenticated request through n8n's helpers, so the harness's OAuth2 path
// (n8n-core's token refresh, our credentials helper saving the new token) is exercised for real.
import {
	NodeConnectionTypes,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IPollFunctions,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

export class HarnessOAuth2Api implements ICredentialType {
	name = 'harnessOAuth2Api';

	displayName = 'Harness OAuth2 API';

	extends = ['oAuth2Api'];

	properties: INodeProperties[] = [
		{ displayName: 'Server', name: 'serverUrl', type: 'string', default: 'http://127.0.0.1:1' },
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self["serverUrl"]}}/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["serverUrl"]}}/token',
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'probe.read' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}

export class HttpProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP Probe',
		name: 'httpProbe',
		group: ['transform'],
		version: 1,
		description: 'GETs a URL with an OAuth2 credential (harness tests only)',
		defaults: { name: 'HTTP Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessOAuth2Api', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/resource' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credential = await this.getCredentials('harnessOAuth2Api');
		const path = this.getNodeParameter('path', 0) as string;
		const body = await this.helpers.httpRequestWithAuthentication.call(this, 'harnessOAuth2Api', {
			method: 'GET',
			url: `${credential.serverUrl as string}${path}`,
			json: true,
		});
		return [[{ json: body, pairedItem: { item: 0 } }]];
	}
}

/** A polling trigger that emits a counter kept in the workflow's static data. */
export class CounterPoll implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Counter Poll',
		name: 'counterPoll',
		group: ['trigger'],
		version: 1,
		description: 'Emits 1, 2, 3… on successive polls (harness tests only)',
		defaults: { name: 'Counter Poll' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		const next = ((state.counter as number | undefined) ?? 0) + 1;
		state.counter = next;
		if (this.getMode() === 'manual' && next === 1)
			return [[{ json: { counter: next, mode: 'manual' } }]];
		return [[{ json: { counter: next, mode: this.getMode() } }]];
	}
}

export const testCredentialTypes: ICredentialType[] = [new HarnessOAuth2Api()];
