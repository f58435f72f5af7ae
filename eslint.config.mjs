// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers: which workspace package's sources may import which others (CONTRIBUTING.md). Everything
 * else of @xborder is refused, and so are deep imports past a package's `exports` map.
 */
const PACKAGES = ['protocol', 'chaincode', 'sdk', 'ledger-index', 'taxii', 'console', 'network', 'cli', 'bench'];
const LAYERS = {
  protocol: [],
  chaincode: ['protocol'],
  sdk: ['protocol'],
  'ledger-index': ['protocol', 'sdk'],
  taxii: ['protocol', 'sdk', 'ledger-index'],
  console: ['protocol', 'sdk'],
  network: ['protocol', 'sdk'],
  cli: ['protocol', 'sdk', 'ledger-index', 'taxii', 'console', 'network'],
  bench: ['protocol', 'sdk', 'ledger-index', 'taxii', 'console', 'network', 'cli'],
};
const FABRIC_CLIENTS = ['@hyperledger/*', 'fabric-*', '@grpc/*'];

function layerRules(pkg) {
  const above = PACKAGES.filter((p) => p !== pkg && !LAYERS[pkg].includes(p));
  return {
    files: [`${pkg}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(above.length > 0
              ? [
                  {
                    group: above.flatMap((p) => [`@xborder/${p}`, `@xborder/${p}/*`]),
                    message: `${pkg} may import ${LAYERS[pkg].length > 0 ? `only ${LAYERS[pkg].join(', ')}` : 'no other xborder package'} (CONTRIBUTING.md, layers)`,
                  },
                ]
              : []),
            {
              group: ['@xborder/*/dist/*', '@xborder/*/src/*', '@xborder/*/internal/*'],
              message: 'import a package by its exports map, never its files',
            },
            { group: PACKAGES.map((p) => `../../${p}/*`), message: 'import another package by its name, never by path' },
            ...(pkg === 'protocol'
              ? [{ group: FABRIC_CLIENTS, message: 'protocol is what both sides agree on: no Fabric or gRPC dependency' }]
              : []),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.fabric/**',
      '.xborder/**',
      '.xborder-test/**',
      'bench/results/**',
      'coverage/**',
      '.venv-taxii/**',
      'docs/api/**',
      '.xborder-faults/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // typed decoders (`decodeJson<T>`) are how parsed JSON gets its type after validation
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      complexity: ['warn', 15],
    },
  },
  ...PACKAGES.map(layerRules),
  {
    // the committed CommonJS launcher of the CLI (cli/bin/xborder.js)
    files: ['cli/bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // package tests (protocol/test, chaincode/test, ...) compile in the test/ project, not their package's
    files: ['*/test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './test/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['test/**/*.ts', '*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
