import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { modelSettingsFromCredential, type ModelSettings } from '../../../../../core';

/** Operations that read mail and may ask a model (Get Enrichment only reads stored values). */
export const MODEL_OPERATIONS = ['enrichIntegration', 'enrichRecord'];

export const useAiModelProperty: INodeProperties = {
	displayName: 'Use AI Model',
	name: 'useAiModel',
	type: 'boolean',
	default: false,
	description:
		'Whether to also ask the model of the CRM Connect AI Model credential: it gets each signature block (never the rest of the mail) to read contact details, and subjects and snippets to classify contacts. Values not found in the signature are dropped; a failing model falls back to the offline result.',
	displayOptions: { show: { resource: ['enrichment'], operation: MODEL_OPERATIONS } },
};

/**
 * The model settings for an item when "Use AI Model" is on, else null (offline). The credential is
 * read once per execution; its API key only ever goes to the engine, never into output or errors.
 */
export function modelReader(context: IExecuteFunctions) {
	let settings: Promise<ModelSettings> | undefined;
	return async (itemIndex: number): Promise<ModelSettings | null> => {
		if (!context.getNodeParameter('useAiModel', itemIndex, false)) return null;
		settings ??= context
			.getCredentials('crmConnectAiModelApi', itemIndex)
			.then((data) => modelSettingsFromCredential(data));
		return await settings;
	};
}
