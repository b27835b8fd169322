/** @type {import('jest').Config} */
module.exports = {
	// Node's environment, failing a test file that leaves a server, socket, child or timer running.
	testEnvironment: '<rootDir>/test/setup/handleCheckingEnvironment.cjs',
	roots: ['<rootDir>/test', '<rootDir>/core'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// tsconfig's isolatedModules makes ts-jest transpile only; type checking is `npm run lint`'s job (tsc).
		'^.+\\.ts$': 'ts-jest',
		// jose is ES modules only (test/setup/esmToCjs.cjs).
		'/node_modules/jose/.+\\.js$': '<rootDir>/test/setup/esmToCjs.cjs',
	},
	transformIgnorePatterns: ['/node_modules/(?!jose/)'],
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	testTimeout: 60000,
	maxWorkers: 2,
};
