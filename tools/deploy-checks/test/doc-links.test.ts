import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { linkProblems } from '../src/link-check.js';
import { findMarkdown, headingSlug, markdownAnchors, markdownLinks } from '../src/markdown-links.js';
import { ROOT } from '../src/paths.js';

/** The documentation a reader of a clone follows: the README, docs/, and every app's, package's and tool's README. */
function documentation(): string[] {
  return [
    'README.md',
    ...findMarkdown(ROOT, 'docs', /\.md$/),
    ...findMarkdown(ROOT, 'apps', /^README\.md$/),
    ...findMarkdown(ROOT, 'packages', /^README\.md$/),
    ...findMarkdown(ROOT, 'tools', /^README\.md$/),
  ];
}

describe('the documentation', () => {
  const files = documentation();

  it('includes the README, docs/ and the app READMEs', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/architecture.md');
    expect(files).toContain('apps/sink-worker/README.md');
    expect(files).toContain('tools/fault-suite/README.md');
  });

  it.each(files)('%s: every relative link resolves inside the repository, #anchors to a heading', (file) => {
    expect(linkProblems(ROOT, file)).toEqual([]);
  });
});

describe('the link check', () => {
  it('reports a missing file, a missing heading, a link out of the repository and an absolute path', async () => {
    const dir = await tempDir('wattbus-links-');
    try {
      mkdirSync(join(dir.path, 'docs'));
      writeFileSync(join(dir.path, 'docs/a.md'), '# A\n\n## Delivery guarantees, as built\n');
      writeFileSync(
        join(dir.path, 'README.md'),
        [
          '# Top',
          '[ok](docs/a.md#delivery-guarantees-as-built) [self](#top) [web](https://example.org/x.md)',
          '[gone](docs/b.md)',
          '[no heading](docs/a.md#nowhere)',
          '[design](../shared/DESIGN.md)',
          '[abs](/etc/passwd)',
          '`[in code](nowhere.md)`',
          '```',
          '[in a block](nowhere.md)',
          '```',
        ].join('\n'),
      );
      expect(linkProblems(dir.path, 'README.md')).toEqual([
        'README.md:3: docs/b.md: no such file',
        'README.md:4: docs/a.md#nowhere: no heading #nowhere in docs/a.md',
        'README.md:5: ../shared/DESIGN.md: outside the repository',
        'README.md:6: /etc/passwd: an absolute path; link relative to the file',
      ]);
    } finally {
      await dir.cleanup();
    }
  });

  it("makes GitHub's heading anchors, numbering repeats", () => {
    expect(headingSlug('The contract (v1)')).toBe('the-contract-v1');
    expect(headingSlug("7b. The households' portal")).toBe('7b-the-households-portal');
    expect(headingSlug('Delivery guarantees, as built')).toBe('delivery-guarantees-as-built');
    expect(headingSlug('`wattbus-agent` — flags')).toBe('wattbus-agent--flags');
    expect([...markdownAnchors('# X\n## Notes\n```\n# not a heading\n```\n## Notes\n')]).toEqual([
      'x',
      'notes',
      'notes-1',
    ]);
  });

  it('finds reference-style links and images', () => {
    expect(markdownLinks('![chart](e2e.svg)\n\n[ref]: docs/a.md\n').map((l) => l.target)).toEqual([
      'e2e.svg',
      'docs/a.md',
    ]);
  });
});
