/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test', '<rootDir>/core'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// Type checking is `npm run lint`'s job (tsc --noEmit); tests only transpile, which is several times faster.
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
	},
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	testTimeout: 60000,
	maxWorkers: 2,
};
