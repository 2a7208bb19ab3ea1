// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const barrelMessage =
  "Import the resource module ('@cdktf/provider-google/lib/<resource>'): the barrel costs ~1.2 s and ~450 MB per process.";

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'dist/', 'cdktf.out/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly',
        fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: '@cdktf/provider-google', message: barrelMessage },
          { name: '@cdktf/provider-google/lib', message: barrelMessage },
          { name: '@cdktf/provider-google/lib/index', message: barrelMessage },
        ],
      }],
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.name='require'][arguments.0.value=/^@cdktf\\/provider-google(\\/lib(\\/index)?)?$/]",
        message: barrelMessage,
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The service never imports cdktf: it receives only environment variables (see STYLE.md).
    files: ['src/service/**/*.ts', 'src/schema/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@cdktf/provider-google', message: barrelMessage }],
        patterns: [{ group: ['cdktf', 'cdktf/*', '@cdktf/*', 'constructs'], message: 'schema/ and service/ never import cdktf.' }],
      }],
    },
  },
);
