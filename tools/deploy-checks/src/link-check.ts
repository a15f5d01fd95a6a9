import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { markdownAnchors, markdownLinks } from './markdown-links.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * What is wrong with the relative links of one Markdown file (`file` relative to `root`): a target that does not
 * exist, one outside the repository (a clone has nothing there), or an #anchor its Markdown file has no heading for.
 * Links with a scheme (https:, mailto:) are not followed.
 */
export function linkProblems(root: string, file: string): string[] {
  const markdown = readFileSync(join(root, file), 'utf8');
  const anchorsOf = new Map<string, Set<string>>([[resolve(root, file), markdownAnchors(markdown)]]);
  const anchors = (path: string) => {
    let found = anchorsOf.get(path);
    if (!found) {
      found = markdownAnchors(readFileSync(path, 'utf8'));
      anchorsOf.set(path, found);
    }
    return found;
  };
  const problems: string[] = [];
  for (const { target, line } of markdownLinks(markdown)) {
    if (SCHEME.test(target)) continue;
    const at = `${file}:${line}: ${target}`;
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? '' : decodeURIComponent(target.slice(hash + 1));
    if (isAbsolute(path)) {
      problems.push(`${at}: an absolute path; link relative to the file`);
      continue;
    }
    const resolved = path === '' ? resolve(root, file) : resolve(root, dirname(file), path);
    const inRepo = relative(root, resolved);
    if (inRepo === '..' || inRepo.startsWith(`..${sep}`)) {
      problems.push(`${at}: outside the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${at}: no such file`);
      continue;
    }
    if (anchor !== '' && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchors(resolved).has(anchor)) {
      problems.push(`${at}: no heading #${anchor} in ${relative(root, resolved)}`);
    }
  }
  return problems;
}
