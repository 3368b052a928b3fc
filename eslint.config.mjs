// ESLint flat config. The import rules of docs/ARCHITECTURE.md "Layers and imports" (layer table, index.ts as each folder's
// surface, confined packages, banned globals) are tables in eslint.layers.mjs, turned here into
// import/no-restricted-paths zones and one restriction block per region of src/;
// test/unit/lint/confinement.test.ts proves each forbidden import fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import jestPlugin from 'eslint-plugin-jest';

import { layerZones, srcRestrictionConfigs } from './eslint.layers.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-bench/',
      'dist-check/',
      'coverage/',
      'seeds/',
      'data/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'import/no-cycle': 'error',
      'import/no-restricted-paths': ['error', { zones: layerZones(), basePath: import.meta.dirname }],
      'import/no-extraneous-dependencies': [
        'error',
        {
          devDependencies: false,
          optionalDependencies: false,
          peerDependencies: false,
          packageDir: import.meta.dirname,
        },
      ],
      // Everywhere; src/ adds Date and process.env (srcRestrictionConfigs).
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use an Rng from src/random (determinism).' },
      ],
      'no-console': 'error',
    },
  },
  ...srcRestrictionConfigs(),
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests, benchmarks and scripts may use dev dependencies (src/ may not: it ships).
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: {
      'import/no-extraneous-dependencies': [
        'error',
        {
          devDependencies: true,
          optionalDependencies: false,
          peerDependencies: false,
          packageDir: import.meta.dirname,
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { jest: jestPlugin },
    rules: {
      ...jestPlugin.configs['flat/recommended'].rules,
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*', 'fc.assert'] }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
);
