const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });
/** The client's sources import with `.js` suffixes (its ES module build needs them); tests load the `.ts`. */
const jsSuffix = { '^(\\.{1,2}/.*)\\.js$': '$1' };
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/** Two tiers: pure-logic unit tests beside the code, and end-to-end tests against real NATS, FerretDB and services. */
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      // deploy: the Kubernetes manifests' checks (deploy/kubernetes/manifests.spec.ts).
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/deploy'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper: { ...jsSuffix, ...moduleNameMapper },
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      // @cobrowse/client as its users get it: the tarball npm pack made (libs/client/pack.sh), not the sources.
      displayName: 'client',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test/client'],
      testMatch: ['**/*.client-spec.ts'],
      moduleNameMapper: {
        ...moduleNameMapper,
        '^@cobrowse/client$': '<rootDir>/.data/client-pack/node_modules/@cobrowse/client/dist/cjs/index.js',
      },
      transform,
    },
    {
      // The dashboard in Debian's Chromium (playwright-core), against the real system.
      displayName: 'browser',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test/browser'],
      testMatch: ['**/*.browser-spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'faults',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test/faults'],
      testMatch: ['**/*.faults-spec.ts'],
      moduleNameMapper,
      transform,
    },
  ],
};
