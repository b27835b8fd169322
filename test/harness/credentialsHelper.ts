import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INodeCredentialsDetails,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { credentialProperties, credentialTypeChain, credentialTypes } from './credentialTypes';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * Holds decrypted credentials in memory, the way n8n's own helper serves them from its database.
 * Token refreshes that n8n performs arrive in `updateCredentialsOauthTokenData` and are kept, so a
 * test can see what n8n would have saved.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly credentials = new Map<string, StoredCredential>();
	readonly tokenUpdates: Array<{ id: string; data: ICredentialDataDecryptedObject }> = [];

	add(credential: StoredCredential): INodeCredentialsDetails {
		this.credentials.set(credential.id, structuredClone(credential));
		return { id: credential.id, name: credential.name };
	}

	getParentTypes(name: string): string[] {
		return credentialTypeChain(name);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = credentialTypes[typeName];
		const authenticate = type?.authenticate;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			const options = requestOptions as IHttpRequestOptions;
			const resolve = (value: string) =>
				value
					.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
						String(credentials[key] ?? ''),
					)
					.replace(/^=/, '');
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				const target = ((options as unknown as Record<string, Record<string, unknown>>)[section] ??=
					{});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					target[key] = resolve(value);
				}
			}
			return options;
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(
		_helpers: IHttpRequestHelper,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const stored = this.find(nodeCredentials, type);
		return {
			id: stored.id,
			name: stored.name,
			type: stored.type,
			getData: () => structuredClone(stored.data),
			getDataToSave: () => ({ data: JSON.stringify(stored.data) }),
			setData: (data: ICredentialDataDecryptedObject) => {
				stored.data = structuredClone(data);
			},
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode = 'manual',
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = structuredClone(this.find(nodeCredentials, type).data);
		return raw ? stored : applyDefaults(type, stored, mode);
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.find(nodeCredentials, type).data = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = { ...stored.data, oauthTokenData: structuredClone(data.oauthTokenData) };
		this.tokenUpdates.push({ id: stored.id, data: structuredClone(data) });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialProperties(type);
	}

	private find(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		const stored = nodeCredentials.id ? this.credentials.get(nodeCredentials.id) : undefined;
		if (!stored)
			throw new Error(
				`Credential ${nodeCredentials.id ?? nodeCredentials.name} is not in the test store`,
			);
		if (stored.type !== type)
			throw new Error(`Credential ${stored.id} is a ${stored.type}, not a ${type}`);
		return stored;
	}
}

const expressionHost = new Workflow({
	nodes: [
		{
			id: 'credentials',
			name: 'Credentials',
			type: 'credentials',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	],
	connections: {},
	active: false,
	nodeTypes: {
		getByName: () => undefined as never,
		getByNameAndVersion: () => undefined as never,
		getKnownTypes: () => ({}),
	},
});

/**
 * What n8n's own credentials helper does before handing data to a node: fill in the defaults of
 * the type (and of the types it extends), then resolve expressions such as
 * `={{$self["serverUrl"]}}/token` against the credential's own values.
 */
function applyDefaults(
	type: string,
	data: ICredentialDataDecryptedObject,
	mode: WorkflowExecuteMode,
): ICredentialDataDecryptedObject {
	const properties = credentialProperties(type);
	const withDefaults = {
		...(NodeHelpers.getNodeParameters(properties, data as never, true, false, null, null) ?? {}),
	} as ICredentialDataDecryptedObject;
	// Values that are not properties (oauthTokenData, …) pass through untouched.
	for (const [key, value] of Object.entries(data))
		if (!(key in withDefaults)) withDefaults[key] = value;
	return expressionHost.expression.getParameterValue(
		withDefaults as never,
		null,
		0,
		0,
		'Credentials',
		[],
		mode,
		{},
		undefined,
		false,
		withDefaults,
	) as ICredentialDataDecryptedObject;
}
