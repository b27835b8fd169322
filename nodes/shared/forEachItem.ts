import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError, type ProviderErrorContext } from './providerErrors';

/** How an operation's failures are worded; `notFound` may name the item's own id. */
export type ItemErrorContext = Omit<ProviderErrorContext, 'itemIndex' | 'notFound'> & {
	notFound?: string | ((itemIndex: number) => string);
};

/**
 * Runs `work` once per input item, each in its own try/catch. Failures become errors a user can
 * act on (toNodeError, naming the permission the operation needs); with "Continue On Fail" a
 * failing item yields `{ error }` and the others still run. Every output carries its pairedItem.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	errorContext: ItemErrorContext,
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
			const { notFound, ...rest } = errorContext;
			const nodeError = toNodeError(context.getNode(), error, {
				...rest,
				notFound: typeof notFound === 'function' ? safely(() => notFound(itemIndex)) : notFound,
				itemIndex,
			});
			if (context.continueOnFail()) {
				output.push({
					json: { error: nodeError.message } as IDataObject,
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw nodeError;
		}
	}
	return output;
}

/** A not-found sentence built from the item's parameters, or none when they cannot be read. */
function safely(describe: () => string): string | undefined {
	try {
		return describe();
	} catch {
		return undefined;
	}
}
