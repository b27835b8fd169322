import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { migrateToLatest } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { getCrmDatabase } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem(this, { provider: 'PostgreSQL' }, async () => {
		const database = await getCrmDatabase.call(this, { migrate: false });
		const report = await migrateToLatest(database);
		return {
			json: {
				schema: database.schema,
				applied: report.applied,
				current: report.current,
				upToDate: report.applied.length === 0,
			},
		};
	});
}
