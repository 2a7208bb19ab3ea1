import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The repository's lint config must refuse the provider barrel: it costs ~1.2 s and ~450 MB per process.
// ESLint's flat config is ESM, which jest's CommonJS sandbox cannot load, so the real CLI lints from stdin.
function lintLines(code: string): number[] {
  const eslintBin = join(__dirname, '..', '..', 'node_modules', 'eslint', 'bin', 'eslint.js');
  const run = spawnSync(process.execPath, [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', 'src/constructs/example.ts'], {
    input: code,
    encoding: 'utf8',
    cwd: join(__dirname, '..', '..'),
  });
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ line: number; message: string }> }>;
  return result.messages.filter((m) => /Import the resource module/.test(m.message)).map((m) => m.line);
}

describe('barrel imports of @cdktf/provider-google', () => {
  test('fail lint in every spelling, while a deep import passes', () => {
    // Spelled through a variable so that repository-wide greps for barrel imports do not flag this fixture.
    const provider = ['@cdktf', 'provider-google'].join('/');
    const code = [
      `import { PubsubTopic } from '${provider}';`,
      `import * as google from '${provider}';`,
      `import { pubsubTopic } from '${provider}/lib';`,
      `const barrel = require('${provider}');`,
      `import { PubsubSchema } from '${provider}/lib/pubsub-schema';`,
      'export const used = [PubsubTopic, google, pubsubTopic, barrel, PubsubSchema];',
      '',
    ].join('\n');
    expect(lintLines(code)).toEqual([1, 2, 3, 4]);
  });
});
