// `npm run eval` on the dense path: --dense loads the model and builds the dense index in DATA_DIR as the
// server does; --oracle-cosine stands in for a perfect model so the fusion can be measured without one.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/temp-dirs.ts';
import { createTinyModel, type TinyModel } from './helpers/tiny-model.ts';

const run = promisify(execFile);
const dirs = tempDirs('eval-cli-');
let tiny: TinyModel;

beforeAll(() => {
  tiny = createTinyModel();
});
afterAll(() => {
  tiny?.cleanup();
  dirs.removeAll();
});

/** A question file: a paraphrase sharing no word with the birth-registration procedure, and an out-of-scope one. */
function questions(dir: string): string {
  const file = join(dir, 'q.jsonl');
  writeFileSync(
    file,
    [
      { id: 'p1', question: 'em bé nhà mình mới chào đời', gold: ['1.001193'] },
      { id: 'o1', question: 'công thức nấu phở bò', gold: [] },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  return file;
}

const report = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) as string);

describe('npm run eval on the dense path', () => {
  it('--oracle-cosine puts a paraphrase only a model understands first and answers it', async () => {
    const dir = dirs.make();
    const env = { ...process.env, DATA_DIR: dir, CATALOG_DIR: '' };
    const args = ['tsx', 'scripts/eval.ts', '--knowledge', 'knowledge', '--questions', questions(dir), '--json'];
    const lexical = report((await run('npx', args, { env })).stdout);
    expect(lexical.hit1).toBe(0);
    const { stdout } = await run('npx', [...args, '--oracle-cosine', '0.95'], { env });
    expect(stdout).toContain('oracle cosine 0.95');
    const oracle = report(stdout);
    expect(oracle.hit1).toBe(1);
    expect(oracle.false_abstain).toBe(0);
    expect(oracle.oos_recall).toBe(1);
  }, 60_000);

  it('--dense builds the dense index in DATA_DIR with the configured model', async () => {
    const dir = dirs.make();
    const env = {
      ...process.env,
      DATA_DIR: dir,
      CATALOG_DIR: '',
      EMBEDDING_MODEL: tiny.modelId,
      EMBEDDING_MODEL_DIR: tiny.root,
    };
    const { stdout } = await run(
      'npx',
      ['tsx', 'scripts/eval.ts', '--knowledge', 'knowledge', '--questions', questions(dir), '--dense', '--json'],
      { env },
    );
    expect(stdout).toContain('đường hybrid');
    expect(report(stdout).n).toBe(2);
    expect(existsSync(join(dir, 'index'))).toBe(true);
  }, 120_000);

  it('--dense says so and fails when no model is available', async () => {
    const dir = dirs.make();
    const env = { ...process.env, DATA_DIR: dir, CATALOG_DIR: '', EMBEDDING_MODEL_DIR: dir };
    await expect(
      run('npx', ['tsx', 'scripts/eval.ts', '--knowledge', 'knowledge', '--questions', questions(dir), '--dense'], {
        env,
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('mô hình nhúng') });
  }, 60_000);
});
