import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../../shared/providerErrors';

/**
 * Runs `work` once per input item, each in its own try/catch. Provider failures become errors a
 * user can act on (naming the Calendar permission the operation needs); with "Continue On Fail" a
 * failing item yields `{ error }` and the others still run. Every output carries its pairedItem.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	permission: string,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			for (const item of await work(itemIndex)) {
				output.push({ ...item, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, {
				provider: 'Google',
				permission,
				itemIndex,
			});
			if (context.continueOnFail()) {
				output.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw nodeError;
		}
	}
	return output;
}
