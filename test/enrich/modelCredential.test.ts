import { CrmConnectAiModelApi } from '../../credentials/CrmConnectAiModelApi.credentials';
import { modelSettingsFromCredential } from '../../core/enrich/modelClient';
import { DEFAULT_OPENAI_API_KEY, startEmulator, type Emulator } from '../emulator';

// The CRM Connect AI Model credential: its defaults make valid settings, and the endpoints its
// test request calls (GET {base}/models, Azure {endpoint}/openai/models) accept its headers.

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'model-credential', messages: 1 });
});

afterAll(async () => {
	await emu.stop();
});

const credential = new CrmConnectAiModelApi();

function defaults(): Record<string, unknown> {
	return Object.fromEntries(
		credential.properties.map((property) => [property.name, property.default]),
	);
}

describe('CrmConnectAiModelApi', () => {
	it('has defaults that read as OpenAI settings once a key is given', () => {
		expect(credential.name).toBe('crmConnectAiModelApi');
		expect(credential.displayName).toBe('CRM Connect AI Model');
		const settings = modelSettingsFromCredential({ ...defaults(), apiKey: 'sk-test' });
		expect(settings).toEqual({
			provider: 'openai',
			apiKey: 'sk-test',
			baseUrl: 'https://api.openai.com/v1',
			model: 'gpt-4o-mini',
			timeoutMs: 20000,
			maxRetries: 1,
		});
		const apiKey = credential.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
	});

	it('reads an Azure credential: endpoint, deployment, API version', () => {
		expect(
			modelSettingsFromCredential({
				...defaults(),
				provider: 'azure',
				baseUrl: 'https://my-resource.openai.azure.com/',
				apiKey: 'azure-key',
				model: 'enrichment-4o-mini',
			}),
		).toEqual({
			provider: 'azure',
			apiKey: 'azure-key',
			baseUrl: 'https://my-resource.openai.azure.com',
			model: 'enrichment-4o-mini',
			apiVersion: '2024-10-21',
			timeoutMs: 20000,
			maxRetries: 1,
		});
	});

	it('tests against endpoints that accept its headers and refuse a wrong key', async () => {
		const openai = await fetch(`${emu.urls.openai}/models`, {
			headers: { authorization: `Bearer ${DEFAULT_OPENAI_API_KEY}`, 'api-key': '' },
		});
		expect(openai.status).toBe(200);
		const wrong = await fetch(`${emu.urls.openai}/models`, {
			headers: { authorization: 'Bearer sk-wrong' },
		});
		expect(wrong.status).toBe(401);
		const azure = await fetch(`${emu.urls.azureOpenai}/openai/models?api-version=2024-10-21`, {
			headers: { authorization: '', 'api-key': DEFAULT_OPENAI_API_KEY },
		});
		expect(azure.status).toBe(200);
		const azureWrong = await fetch(`${emu.urls.azureOpenai}/openai/models?api-version=2024-10-21`, {
			headers: { 'api-key': 'wrong' },
		});
		expect(azureWrong.status).toBe(401);
	});
});
