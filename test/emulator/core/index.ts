/** The emulator core in one import. */
export * from './http';
export * from './router';
export * from './state';
export * from './faults';
export * from './limits';
export * from './control';
export * from './server';
