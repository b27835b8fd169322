import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

import type { INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ManualTrigger } from './manualTrigger';
import { CounterPoll, HttpProbe } from './testTypes';

/** Our package's node types under the names n8n gives community nodes, plus the test trigger. */
export const PACKAGE = 'n8n-nodes-crm-connect';

type NodeFactory = () => INodeType | IVersionedNodeType;

/**
 * Every node of the package, found as n8n finds them: nodes/<Name>/<Name>.node.ts exporting class
 * <Name> (and <Name>Trigger.node.ts beside it for triggers), registered under n8n's type name
 * (the class name with a lower-case first letter). Modules load only when a workflow uses them, so
 * one node's error never breaks another node's tests.
 */
function discoverPackageNodes(): Record<string, NodeFactory> {
	const nodesDir = path.join(__dirname, '../../nodes');
	const found: Record<string, NodeFactory> = {};
	for (const dir of readdirSync(nodesDir)) {
		const folder = path.join(nodesDir, dir);
		if (!existsSync(folder) || dir === 'shared') continue;
		for (const file of readdirSync(folder).filter((name) => name.endsWith('.node.ts'))) {
			const className = file.replace(/\.node\.ts$/, '');
			const typeName = className[0].toLowerCase() + className.slice(1);
			found[`${PACKAGE}.${typeName}`] = () => {
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const exported = require(path.join(folder, file))[className] as
					| (new () => INodeType | IVersionedNodeType)
					| undefined;
				if (!exported) throw new Error(`${dir}/${file} does not export a class ${className}`);
				const instance = new exported();
				if (instance.description.name !== typeName) {
					throw new Error(
						`${dir}/${file}: description.name is "${instance.description.name}", n8n expects "${typeName}"`,
					);
				}
				return instance;
			};
		}
	}
	return found;
}

const registry: Record<string, NodeFactory> = {
	'n8n-nodes-base.manualTrigger': () => new ManualTrigger(),
	'n8n-nodes-crm-connect-test.httpProbe': () => new HttpProbe(),
	'n8n-nodes-crm-connect-test.counterPoll': () => new CounterPoll(),
	...discoverPackageNodes(),
};

export class TestNodeTypes implements INodeTypes {
	private readonly cache = new Map<string, INodeType | IVersionedNodeType>();

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		let type = this.cache.get(nodeType);
		if (!type) {
			const create = registry[nodeType];
			if (!create)
				throw new Error(
					`Unknown node type ${nodeType} (nodes/<Name>/<Name>.node.ts exporting class <Name>?)`,
				);
			type = create();
			this.cache.set(nodeType, type);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return Object.fromEntries(
			Object.keys(registry).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}
