// dist/core/index.js: what the nodes and credentials require as "../../core". n8n requires every
// node and credential file of a community package when it boots, whether a workflow uses them or
// not, so this stub stands in for the engine bundle (./engine.js: knex, pg, zod, the provider
// clients, several MB) and requires it on first use: the first read of an export, `in`, or a
// listing of the exports. Node's module cache keeps the engine once it is loaded.
//
// tsc compiles `import { fn } from '../../core'` to `const core_1 = require("../../core")` and
// each use to `(0, core_1.fn)(…)`, so the require costs nothing and the call loads the engine.
// `__esModule` is answered without loading, so tsc's __importStar/__importDefault helpers do not
// load it either.
'use strict';

let engine;

function load() {
	if (engine === undefined) engine = require('./engine.js');
	return engine;
}

module.exports = new Proxy(
	{},
	{
		get(_target, key) {
			if (key === '__esModule') return true;
			return Reflect.get(load(), key);
		},
		has(_target, key) {
			if (key === '__esModule') return true;
			return Reflect.has(load(), key);
		},
		ownKeys() {
			return Reflect.ownKeys(load());
		},
		getOwnPropertyDescriptor(_target, key) {
			const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
			if (descriptor === undefined) return undefined;
			// The bundle's exports are non-configurable getters; a proxy may only report a
			// non-configurable property that its own target has, so report the current value.
			return {
				value: Reflect.get(engine, key),
				writable: false,
				enumerable: descriptor.enumerable,
				configurable: true,
			};
		},
		set() {
			return false;
		},
		defineProperty() {
			return false;
		},
		deleteProperty() {
			return false;
		},
	},
);
