import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../../shared/providerErrors';

/**
 * Runs `work` for each input item in its own try/catch. A failure becomes an n8n error whose
 * message says what to do (toNodeError, naming the Graph permission the operation needs); with
 * "Continue On Fail" the item yields `{ error }` and the others still run. Every output item
 * carries its pairedItem.
 */
export async function runPerItem(
	context: IExecuteFunctions,
	permission: string,
	work: (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await work(itemIndex);
			for (const item of Array.isArray(result) ? result : [result]) {
				output.push({ ...item, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, {
				provider: 'Microsoft 365',
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
