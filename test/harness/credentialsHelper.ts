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
} from 'n8n-workflow';

import { credentialTypeChain, credentialTypes } from './credentialTypes';

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
	): Promise<ICredentialDataDecryptedObject> {
		return structuredClone(this.find(nodeCredentials, type).data);
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
		return credentialTypes[type]?.properties ?? [];
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
