/**
 * Tests of the doc checker's parts that read pages: code blocks and their directives, links and
 * anchors, and the wording rule. (The end-to-end run, compile and execute, is `docs:check` itself.)
 * Run with `npx vitest run --root tooling`.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportedNames, findLinks, findWorkItemMentions, githubSlug, headingAnchors, parsePage } from './check-docs';

const page = (...lines: string[]): string => lines.join('\n');

describe('parsePage', () => {
  it('finds fenced blocks with their language, opening line and text', () => {
    const { blocks, problems } = parsePage('p.md', page('# T', '', '```ts', 'const a = 1;', '```', 'text', '~~~sh', 'ls', '~~~'));
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.lang, b.line, b.code])).toEqual([
      ['ts', 3, 'const a = 1;'],
      ['sh', 7, 'ls'],
    ]);
  });

  it('removes the indentation of a fence inside a list item', () => {
    const { blocks } = parsePage('p.md', page('- item', '', '  ```ts', '  const a = 1;', '    nested();', '  ```'));
    expect(blocks[0]!.code).toBe('const a = 1;\n  nested();');
  });

  it('does not end a four-backtick block at an inner three-backtick fence', () => {
    const { blocks } = parsePage('p.md', page('````md', '```ts', 'x', '```', '````'));
    expect(blocks.map((b) => [b.lang, b.code])).toEqual([['md', '```ts\nx\n```']]);
  });

  it('attaches directives written right before a TypeScript block, blank lines allowed', () => {
    const { blocks, problems } = parsePage(
      'p.md',
      page('<!-- docs-check: prelude goog; timeout 90 -->', '<!-- docs-check: typecheck-only (needs Redis) -->', '', '```typescript', 'x', '```'),
    );
    expect(problems).toEqual([]);
    expect(blocks[0]!.directives).toEqual({ preludes: ['goog'], timeoutSeconds: 90, typecheckOnly: 'needs Redis' });
  });

  it('reads continues', () => {
    const { blocks } = parsePage('p.md', page('```ts', 'a', '```', '<!-- docs-check: continues -->', '```ts', 'b', '```'));
    expect(blocks.map((b) => b.directives.continues)).toEqual([undefined, true]);
  });

  it('refuses a directive that is misplaced, unknown, without a reason or before another language', () => {
    const { problems } = parsePage(
      'p.md',
      page(
        '<!-- docs-check: prelude goog -->', // 1: text follows
        'Some text.',
        '<!-- docs-check: typecheck-only -->', // 3: no reason
        '<!-- docs-check: skip -->', // 4: unknown
        '```ts',
        'x',
        '```',
        '<!-- docs-check: continues -->', // 8: before a sh block
        '```sh',
        'ls',
        '```',
        'Text <!-- docs-check: prelude x --> inline.', // 12: not a whole line
        '<!-- docs-check: prelude goog -->', // 13: nothing follows
      ),
    );
    expect(problems.map((p) => p.line)).toEqual([1, 3, 4, 8, 12, 13]);
    expect(problems[1]!.message).toMatch(/needs a reason/);
    expect(problems[2]!.message).toMatch(/unknown directive "skip"/);
  });

  it('does not read a directive that is quoted in inline code', () => {
    expect(parsePage('p.md', 'Write `<!-- docs-check: continues -->` before the block.').problems).toEqual([]);
  });

  it('reports a block that is never closed', () => {
    expect(parsePage('p.md', page('```ts', 'x')).problems.map((p) => p.message)).toEqual(['code block is never closed']);
  });
});

describe('links', () => {
  it('finds inline links, images, reference definitions and href attributes, not those in code', () => {
    const { prose } = parsePage(
      'p.md',
      page('See [a](docs/a.md#x) and ![img](pic.png "title").', '`[not](a-link.md)`', '```md', '[no](inside-code.md)', '```', '[ref]: ../other.md', '<a href="file.html">x</a>'),
    );
    expect(findLinks(prose)).toEqual([
      { line: 1, target: 'docs/a.md#x' },
      { line: 1, target: 'pic.png' },
      { line: 6, target: '../other.md' },
      { line: 7, target: 'file.html' },
    ]);
  });

  it('builds anchors as GitHub does', () => {
    expect(githubSlug('With RxJS: `riskGate`')).toBe('with-rxjs-riskgate');
    expect(githubSlug('6. Paper trading')).toBe('6-paper-trading');
    expect(githubSlug('Fees, slippage & [accounts](x.md)')).toBe('fees-slippage--accounts');
    const { prose } = parsePage('p.md', page('# Title', '## Step', '## Step', '```sh', '# not a heading', '```'));
    expect([...headingAnchors(prose)]).toEqual(['title', 'step', 'step-1']);
  });
});

describe('findWorkItemMentions', () => {
  const mentions = (text: string): string[] => {
    const parsed = parsePage('p.md', text);
    return findWorkItemMentions(text.split('\n'), parsed.prose).map((m) => m.text);
  };

  it('finds numbered issues, tickets, work items and issues as units of work', () => {
    expect(mentions('Fixed in issue #12.')).toEqual(['issue #12']);
    expect(mentions('See issue 7 for more.')).toEqual(['issue 7']);
    expect(mentions('Tracked in a ticket.')).toEqual(['ticket']);
    expect(mentions('A work item covers it.')).toEqual(['work item']);
    expect(mentions('Venues come with the connectors issue.')).toEqual(['the connectors issue']);
    expect(mentions('Done in (#42).')).toEqual(['#42']);
    expect(mentions('Task 3 adds it.')).toEqual(['Task 3']);
  });

  it('leaves the validation vocabulary and code alone', () => {
    expect(mentions('`ValidationIssue` lists one issue per field; the first issue names the path; a validation issue.')).toEqual([]);
    expect(mentions('Each of its issues has a path.')).toEqual([]);
    expect(mentions(page('```ts', "console.error(`task ${f.id} failed`); // task 2 failed", "const color = '#333';", '```'))).toEqual([]);
  });

  it('finds a numbered issue inside code too', () => {
    expect(mentions(page('```ts', '// see issue #3', '```'))).toEqual(['issue #3']);
  });
});

describe('exportedNames', () => {
  it('lists the values and types a prelude exports', () => {
    const source = ts.createSourceFile(
      'p.ts',
      "import x from 'y';\nexport const a = 1, { b, c: [d] } = o;\nexport function f() {}\nexport class K {}\nexport interface I {}\nexport type T = 1;\nconst h = 2;\nexport { h };",
      ts.ScriptTarget.ES2022,
    );
    expect(exportedNames(source)).toEqual([
      { name: 'a', type: false },
      { name: 'b', type: false },
      { name: 'd', type: false },
      { name: 'f', type: false },
      { name: 'K', type: false },
      { name: 'I', type: true },
      { name: 'T', type: true },
      { name: 'h', type: false },
    ]);
  });
});
