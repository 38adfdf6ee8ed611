/**
 * Checks the documentation: every TypeScript block of README.md, docs/*.md, packages/*\/README.md and
 * examples/*\/README.md is type-checked against the workspace sources and run; every relative link
 * resolves to a file of the repository; no page mentions work items.
 *
 * Usage (from the repository root):
 *
 *   npx tsx --conditions=@rxtrade/source tooling/check-docs.ts [options] [page.md ...]
 *
 *   --no-run         type-check the blocks but do not run them
 *   --timeout <s>    seconds one block may run (default 60; a block may ask for more, see below)
 *   --jobs <n>       blocks run at the same time (default 2)
 *   --verbose        print what every block wrote
 *   --keep           keep the generated programs (in .tmp/docs-check/run-<pid>/) and print where
 *
 * Blocks are written to `.tmp/docs-check/run-<pid>/` (gitignored; removed after the run unless
 * --keep) and type-checked together in one TypeScript program with the settings of tsconfig.base.json;
 * `@rxtrade/*` resolves to the packages' sources through the `@rxtrade/source` export condition, as a
 * user's install resolves it to `dist/`. Each block then runs with tsx in its own process, with the
 * repository root as working directory.
 *
 * A block may be preceded by directives in HTML comments (docs/contributing-docs.md explains them):
 *
 *   <!-- docs-check: prelude goog -->          the block uses what docs/.prelude/goog.ts exports
 *   <!-- docs-check: continues -->             the block goes on from the page's previous one
 *   <!-- docs-check: typecheck-only (needs a running Redis server) -->
 *   <!-- docs-check: timeout 180 -->           seconds this block may run
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

// ---------------------------------------------------------------------------------------------------
// Markdown

/** A fenced code block of a page. */
export interface CodeBlock {
  /** First word of the info string, lower case (`ts`, `sh`, ``). */
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The block's text, with the fence's indentation removed. */
  readonly code: string;
  /** docs-check directives written right before the block. */
  readonly directives: Directives;
}

/** What the `docs-check:` comments before a block ask for. */
export interface Directives {
  /** Set when the block is only type-checked, with the reason given. */
  readonly typecheckOnly?: string;
  /** Names of preludes (docs/.prelude/<name>.ts) prepended to the block, in order. */
  readonly preludes: readonly string[];
  /** Seconds the block may run, when it asks for more than the default. */
  readonly timeoutSeconds?: number;
  /** The block goes on from the page's previous TypeScript block: they form one program. */
  readonly continues?: boolean;
}

/** A problem found in a file, at a 1-based line. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The parts of a page the checks look at. */
export interface ParsedPage {
  readonly blocks: readonly CodeBlock[];
  /** Lines outside code blocks (index = line - 1); code lines are empty strings. */
  readonly prose: readonly string[];
  readonly problems: readonly Problem[];
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;
const DIRECTIVE_LINE = /^\s*<!--\s*docs-check:(.*?)-->\s*$/;
const PRELUDE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Languages whose blocks are type-checked and run. */
export const TYPESCRIPT_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript']);

/**
 * Reads the directives of one `<!-- docs-check: ... -->` comment (several may be separated by `;`)
 * into `into`; returns the problems with them.
 */
type MutableDirectives = { -readonly [K in keyof Directives]: K extends 'preludes' ? string[] : Directives[K] };

function parseDirectives(text: string, into: MutableDirectives): string[] {
  const problems: string[] = [];
  for (const raw of text.split(';')) {
    const directive = raw.trim();
    if (directive === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = directive.match(/^typecheck-only\s*(?:\((.*)\))?$/s))) {
      const reason = (m[1] ?? '').trim();
      if (reason === '') problems.push('docs-check: typecheck-only needs a reason in parentheses, e.g. "typecheck-only (needs a running Redis server)"');
      else into.typecheckOnly = reason;
    } else if ((m = directive.match(/^prelude\s+(\S+)$/))) {
      const name = m[1]!;
      if (!PRELUDE_NAME.test(name)) problems.push(`docs-check: prelude name "${name}" must be lower-case letters, digits and dashes (the file docs/.prelude/<name>.ts)`);
      else into.preludes.push(name);
    } else if ((m = directive.match(/^timeout\s+(\d+)$/))) {
      into.timeoutSeconds = Number(m[1]);
    } else if (directive === 'continues') {
      into.continues = true;
    } else {
      problems.push(`docs-check: unknown directive "${directive}" (known: typecheck-only (reason), prelude <name>, continues, timeout <seconds>)`);
    }
  }
  return problems;
}

/**
 * Splits a Markdown page into its fenced code blocks and its prose, and reads the docs-check
 * directives. A directive comment must stand right before a TypeScript block (blank lines between
 * them are allowed); anywhere else it is a problem, so that a misplaced one is never silently ignored.
 */
export function parsePage(file: string, text: string): ParsedPage {
  const lines = text.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  const problems: Problem[] = [];
  // Directive comments seen since the last block or prose line, waiting for a block.
  let pending: { line: number; text: string }[] = [];
  const flushPending = (reason: string): void => {
    for (const p of pending) problems.push({ file, line: p.line, message: `docs-check directive ${reason}` });
    pending = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = line.match(FENCE_OPEN);
    if (open) {
      const indent = open[1]!.length;
      const fence = open[2]!;
      const lang = open[3]!.toLowerCase();
      const body: string[] = [];
      let j = i + 1;
      const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      for (; j < lines.length && !close.test(lines[j]!); j++) {
        const l = lines[j]!;
        const strip = Math.min(indent, l.length - l.trimStart().length);
        body.push(l.slice(strip));
      }
      if (j >= lines.length) problems.push({ file, line: i + 1, message: 'code block is never closed' });
      const directives: MutableDirectives = { preludes: [] };
      if (TYPESCRIPT_LANGS.has(lang)) {
        for (const p of pending) for (const message of parseDirectives(p.text, directives)) problems.push({ file, line: p.line, message });
        pending = [];
      } else {
        flushPending(`applies only to a \`\`\`ts block, and the block after it is \`\`\`${lang || '(no language)'}`);
      }
      blocks.push({ lang, line: i + 1, code: body.join('\n'), directives });
      prose.push('');
      for (let k = i + 1; k <= j && k < lines.length; k++) prose.push('');
      i = j;
      continue;
    }
    const directive = line.match(DIRECTIVE_LINE);
    if (directive) {
      pending.push({ line: i + 1, text: directive[1]! });
      prose.push('');
      continue;
    }
    if (stripInlineCode(line).includes('docs-check:')) problems.push({ file, line: i + 1, message: 'a docs-check directive must be a whole line: <!-- docs-check: ... -->' });
    if (line.trim() !== '') flushPending('must stand right before a ```ts block (only blank lines between)');
    prose.push(line);
  }
  flushPending('must stand right before a ```ts block, and none follows');
  return { blocks, prose, problems };
}

/** Removes inline code spans, so that links and words inside them are not read as prose. */
export function stripInlineCode(line: string): string {
  return line.replace(/(`+)(.+?)\1/g, (whole) => ' '.repeat(whole.length));
}

/** A link target found in prose. */
export interface LinkRef {
  readonly line: number;
  readonly target: string;
}

/** Every link and image target of a page's prose: `[text](target)`, `[ref]: target`, `href`/`src` attributes. */
export function findLinks(prose: readonly string[]): LinkRef[] {
  const links: LinkRef[] = [];
  prose.forEach((raw, index) => {
    const line = stripInlineCode(raw);
    const add = (target: string | undefined): void => {
      if (target !== undefined && target !== '') links.push({ line: index + 1, target: target.replace(/^<(.*)>$/, '$1') });
    };
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) add(m[1]);
    const def = line.match(/^\s{0,3}\[[^\]]+\]:\s*(\S+)/);
    if (def) add(def[1]);
    for (const m of line.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) add(m[1]);
  });
  return links;
}

/** GitHub's anchor for a heading text: lower case, markup and punctuation dropped, spaces to dashes. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // HTML tags
    .replace(/[`*]/g, '') // code and emphasis markers
    .replace(/(^|\s)_+|_+(\s|$)/g, '$1$2'); // _emphasis_ at word edges
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings, numbered as GitHub numbers repeated ones (`a`, `a-1`, `a-2`). */
export function headingAnchors(prose: readonly string[]): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose) {
    const m = line.match(/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/);
    if (!m) continue;
    const slug = githubSlug(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const line of prose) for (const m of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/**
 * Phrases that refer to work items (issue and ticket numbers, tasks, trackers) rather than to the
 * product. The word "issue" alone is not one: validation issues (`ValidationIssue`, "one issue per
 * field") are part of the API.
 */
export const WORK_ITEM_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\b(?:issues?|tickets?|tasks?|stor(?:y|ies)|epics?|bugs?|PRs?|pull requests?|work[- ]items?)\s*#\s*\d+/i, what: 'a numbered work item' },
  { pattern: /\b(?:issues?|tickets?|work[- ]items?|pull requests?|PRs?)\s+(?:no\.?\s*|number\s*)?\d+\b/i, what: 'a numbered work item' },
  { pattern: /\btickets?\b/i, what: 'a ticket' },
  { pattern: /\bwork[- ]items?\b/i, what: 'a work item' },
  // "the connectors issue", "a later issue", "this issue": an issue as a unit of work. The issues of a
  // validation ("a validation issue", "the first issue") are the product's vocabulary.
  {
    pattern: /\b(?:the|a|an|this|that|its|our|another|[\w-]+'s)\s+(?!(?:validation|first|same|one|only|last|single|data|market-data|next)\s)(?:[\w-]+\s+)?(?:issue|pull request)\b(?!s)/i,
    what: 'a reference to an issue',
  },
  { pattern: /\b(?:issue|bug)\s+tracker\b|\b(?:jira|sprint|backlog item)\b/i, what: 'the way work is tracked' },
];

/** Mentions of work items in a page: every line, code included; `#123` only in prose. */
export function findWorkItemMentions(lines: readonly string[], prose: readonly string[]): { line: number; text: string; what: string }[] {
  const found: { line: number; text: string; what: string }[] = [];
  lines.forEach((line, index) => {
    for (const { pattern, what } of WORK_ITEM_PATTERNS) {
      const m = line.match(pattern);
      if (m) {
        found.push({ line: index + 1, text: m[0], what });
        return;
      }
    }
    // In prose only: code may print a sweep's "task 2" or a colour "#333".
    const p = prose[index] === undefined || prose[index] === '' ? undefined : stripInlineCode(prose[index]!);
    if (p !== undefined) {
      const m = p.match(/(?<![\w&/#-])#\d+\b/) ?? p.match(/\btasks?\s+\d+\b/i);
      if (m) found.push({ line: index + 1, text: m[0], what: m[0].startsWith('#') ? 'a numbered work item' : 'a numbered task' });
    }
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Files

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = path.resolve(here, '..');
const WORK_DIR = path.join(ROOT, '.tmp', 'docs-check');
/** This run's folder: runs at the same time (two shells, an editor's task) do not share files. */
const OUT_DIR = path.join(WORK_DIR, `run-${process.pid}`);

/** Removes the folders of earlier runs whose process has ended. */
function removeStaleRuns(): void {
  if (!existsSync(WORK_DIR)) return;
  for (const entry of readdirSync(WORK_DIR)) {
    const m = entry.match(/^run-(\d+)$/);
    if (m === null || Number(m[1]) === process.pid) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) rmSync(path.join(WORK_DIR, entry), { recursive: true, force: true });
  }
}
const PRELUDE_DIR = path.join(ROOT, 'docs', '.prelude');

const rel = (p: string): string => path.relative(ROOT, p).split(path.sep).join('/');

/** The pages the checker reads: README.md, docs/*.md, packages/*\/README.md, examples/*\/README.md. */
export function docPages(root = ROOT): string[] {
  const pages: string[] = [];
  const add = (p: string): void => {
    if (existsSync(p) && statSync(p).isFile()) pages.push(p);
  };
  add(path.join(root, 'README.md'));
  const docs = path.join(root, 'docs');
  if (existsSync(docs)) for (const f of readdirSync(docs).sort()) if (f.endsWith('.md')) add(path.join(docs, f));
  for (const parent of ['packages', 'examples']) {
    const dir = path.join(root, parent);
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir).sort()) add(path.join(dir, d, 'README.md'));
  }
  return pages;
}

/** Files of the repository as a fresh clone has them: tracked, or new and not ignored. */
function repositoryFiles(): Set<string> {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return new Set(out.toString('utf8').split('\0').filter((f) => f !== '' && existsSync(path.join(ROOT, f))));
}

/** Checks the relative links of one page: inside the repository, to a file a clone has, to a heading that exists. */
function checkLinks(file: string, page: ParsedPage, files: Set<string>, anchorsOf: (file: string) => Set<string> | undefined): { problems: Problem[]; count: number } {
  const problems: Problem[] = [];
  const links = findLinks(page.prose);
  const dirs = new Set<string>();
  for (const f of files) for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  for (const { line, target } of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http:, https:, mailto:
    const [pathPart, anchor] = splitAnchor(target);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathPart);
    } catch {
      problems.push({ file: rel(file), line, message: `link "${target}" is not a valid URL path` });
      continue;
    }
    const absolute = decoded === '' ? file : decoded.startsWith('/') ? path.join(ROOT, decoded) : path.resolve(path.dirname(file), decoded);
    const inRepo = rel(absolute);
    if (inRepo.startsWith('../') || inRepo === '..' || path.isAbsolute(inRepo)) {
      problems.push({ file: rel(file), line, message: `link "${target}" points outside the repository` });
      continue;
    }
    const key = inRepo === '' ? '.' : inRepo;
    if (!files.has(key) && !dirs.has(key) && key !== '.') {
      problems.push({
        file: rel(file),
        line,
        message: existsSync(absolute) ? `link "${target}" points to ${key}, which git ignores (a clone does not have it)` : `link "${target}" points to ${key}, which does not exist`,
      });
      continue;
    }
    if (anchor !== undefined && anchor !== '' && key.endsWith('.md')) {
      const anchors = anchorsOf(path.join(ROOT, key));
      if (anchors !== undefined && !anchors.has(decodeURIComponent(anchor).toLowerCase()))
        problems.push({ file: rel(file), line, message: `link "${target}": ${key} has no heading with the anchor #${anchor}` });
    }
  }
  return { problems, count: links.length };
}

function splitAnchor(target: string): [string, string | undefined] {
  const hash = target.indexOf('#');
  return hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
}

/**
 * Makes the run folder's `node_modules` hold what a user's project would install: every `@rxtrade/*`
 * package (its sources, through the `@rxtrade/source` condition) and every dependency that a workspace
 * package declares, linked to the copy that package uses, so that a block and the packages share one
 * rxjs, one decimal.js and one zod.
 */
function linkDependencies(): void {
  const modules = path.join(OUT_DIR, 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  const linked = new Set<string>();
  const link = (name: string, target: string): void => {
    if (linked.has(name)) return;
    linked.add(name);
    const at = path.join(modules, name);
    mkdirSync(path.dirname(at), { recursive: true });
    symlinkSync(target, at, 'dir');
  };
  const packages = path.join(ROOT, 'packages');
  for (const d of readdirSync(packages).sort()) {
    const manifest = path.join(packages, d, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
    if (name !== undefined) link(name, path.join(packages, d));
  }
  const sources = [path.join(ROOT, 'node_modules')];
  for (const parent of ['packages', 'examples']) {
    const dir = path.join(ROOT, parent);
    if (existsSync(dir)) for (const d of readdirSync(dir).sort()) sources.push(path.join(dir, d, 'node_modules'));
  }
  for (const source of sources) {
    if (!existsSync(source)) continue;
    for (const entry of readdirSync(source).sort()) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path.join(source, entry)).sort()) link(`${entry}/${scoped}`, path.join(source, entry, scoped));
      } else link(entry, path.join(source, entry));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Blocks

/** A TypeScript block written out as a program. */
interface BlockProgram {
  readonly page: string;
  /** The block, last of the blocks that make the program (earlier ones when it continues them). */
  readonly block: CodeBlock;
  readonly file: string;
  /** Why the program is only type-checked, when it is (its own marker or that of a block it continues). */
  readonly typecheckOnly: string | undefined;
  /** Run as part of the next block, which continues this one. */
  readonly continuedBelow: boolean;
  /** Seconds the program may run, when one of its blocks asks for more than the default. */
  readonly timeoutSeconds: number | undefined;
  /** Where each line of the generated file comes from. */
  readonly origin: readonly { readonly file: string; readonly line: number }[];
}

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\1/g;

/**
 * Writes the program of a block: the imports of its preludes, then the code of the blocks it continues
 * (in page order) and its own. Relative imports are refused: a block imports packages, as a user's file does.
 */
function blockProgram(page: string, chain: readonly CodeBlock[], continuedBelow: boolean, problems: Problem[]): BlockProgram | undefined {
  const pageRel = rel(page);
  const block = chain.at(-1)!;
  const origin: { file: string; line: number }[] = [];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const b of chain) {
    for (const name of b.directives.preludes) {
      if (seen.has(name)) continue;
      seen.add(name);
      const prelude = preludeModule(name);
      if (typeof prelude === 'string') {
        if (b === block) problems.push({ file: pageRel, line: b.line, message: prelude });
        return undefined;
      }
      // One line, mapped to the block's opening fence: the block sees what the prelude exports.
      parts.push(prelude.importLine);
      origin.push({ file: pageRel, line: b.line });
    }
  }
  for (const b of chain) {
    const lines = b.code.split('\n');
    lines.forEach((l, i) => {
      parts.push(l);
      origin.push({ file: pageRel, line: b.line + 1 + i });
      if (b !== block) return;
      for (const m of l.matchAll(RELATIVE_IMPORT)) {
        problems.push({
          file: pageRel,
          line: b.line + 1 + i,
          message: `imports the relative path "${m[2]}": a block imports packages only (write the code in the block, or use a prelude)`,
        });
      }
    });
  }
  // Every block is a module of its own, so that blocks never share top-level names.
  parts.push('export {};');
  origin.push({ file: pageRel, line: block.line + block.code.split('\n').length + 1 });
  const name = `${pageRel.replace(/\.md$/, '').replace(/[^A-Za-z0-9-]+/g, '_')}_L${block.line}.ts`;
  const file = path.join(OUT_DIR, 'blocks', name);
  writeFileSync(file, parts.join('\n') + '\n');
  const typecheckOnly = chain.map((b) => b.directives.typecheckOnly).find((r) => r !== undefined);
  const timeouts = chain.map((b) => b.directives.timeoutSeconds).filter((t) => t !== undefined);
  const timeoutSeconds = timeouts.length > 0 ? Math.max(...timeouts) : undefined;
  return { page: pageRel, block, file, origin, typecheckOnly, continuedBelow, timeoutSeconds };
}

/** Preludes copied next to the blocks, by name: the import line a block gets, or why there is none. */
const preludes = new Map<string, { readonly importLine: string; readonly copy: string; readonly source: string } | string>();

/**
 * A prelude is a module, docs/.prelude/<name>.ts, whose exports a block uses as if it had declared
 * them. It is copied beside the blocks (so that its own imports resolve like theirs), and the block
 * gets one import line naming every export; types are imported as types.
 */
function preludeModule(name: string): { readonly importLine: string; readonly copy: string; readonly source: string } | string {
  const known = preludes.get(name);
  if (known !== undefined) return known;
  const source = path.join(PRELUDE_DIR, `${name}.ts`);
  let result: { importLine: string; copy: string; source: string } | string;
  if (!existsSync(source)) {
    result = `docs-check: prelude "${name}" needs the file ${rel(source)}`;
  } else {
    const text = readFileSync(source, 'utf8');
    const exports = exportedNames(ts.createSourceFile(source, text, ts.ScriptTarget.ES2022, true));
    if (exports.length === 0) {
      result = `docs-check: prelude ${rel(source)} exports nothing`;
    } else {
      const copy = path.join(OUT_DIR, 'preludes', `${name}.ts`);
      mkdirSync(path.dirname(copy), { recursive: true });
      writeFileSync(copy, text);
      const names = exports.map((e) => (e.type ? `type ${e.name}` : e.name)).join(', ');
      result = { importLine: `import { ${names} } from '../preludes/${name}';`, copy, source: rel(source) };
    }
  }
  preludes.set(name, result);
  return result;
}

/** The names a module exports, and whether each is a type only. */
export function exportedNames(source: ts.SourceFile): { name: string; type: boolean }[] {
  const names: { name: string; type: boolean }[] = [];
  const bindings = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.push({ name: name.text, type: false });
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindings(element.name);
  };
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) && statement.moduleSpecifier === undefined) {
      for (const e of statement.exportClause.elements) names.push({ name: e.name.text, type: statement.isTypeOnly || e.isTypeOnly });
      continue;
    }
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bindings(d.name);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) names.push({ name: statement.name.text, type: false });
    else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name) names.push({ name: statement.name.text, type: true });
  }
  return names;
}

/** The compiler options of tsconfig.base.json, for checking without emitting. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, 'tsconfig.base.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent({ ...(read.config as object), files: [], include: [] }, ts.sys, ROOT, undefined, configPath);
  return { ...parsed.options, noEmit: true, declaration: false, declarationMap: false, sourceMap: false, incremental: false };
}

/** Type-checks every block in one program; problems are reported at the page line they come from. */
function typeCheck(programs: readonly BlockProgram[]): Problem[] {
  const problems: Problem[] = [];
  if (programs.length === 0) return problems;
  const program = ts.createProgram({ rootNames: programs.map((p) => p.file), options: compilerOptions() });
  const byFile = new Map(programs.map((p) => [path.resolve(p.file), p]));
  const preludeCopies = new Map<string, string>();
  for (const p of preludes.values()) if (typeof p !== 'string') preludeCopies.set(path.resolve(p.copy), p.source);
  const where = (d: ts.Diagnostic): { file: string; line: number } => {
    if (d.file === undefined || d.start === undefined) return { file: '(compiler)', line: 0 };
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const file = path.resolve(d.file.fileName);
    const block = byFile.get(file);
    if (block !== undefined) return block.origin[Math.min(line, block.origin.length - 1)]!;
    return { file: preludeCopies.get(file) ?? rel(d.file.fileName), line: line + 1 };
  };
  const report = (d: ts.Diagnostic): void => {
    problems.push({ ...where(d), message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}` });
  };
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) report(d);
  for (const file of [...byFile.keys(), ...preludeCopies.keys()]) {
    const source = program.getSourceFile(file);
    if (source === undefined) {
      if (byFile.has(file)) problems.push({ file: byFile.get(file)!.page, line: byFile.get(file)!.block.line, message: 'the compiler did not read the block' });
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) report(d);
  }
  return problems;
}

interface RunOutcome {
  readonly program: BlockProgram;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly seconds: number;
}

/** Runs one block with tsx, from the repository root, in its own process group (killed on timeout). */
function runBlock(program: BlockProgram, timeoutSeconds: number): Promise<RunOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', program.file], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ program, code, signal, timedOut, output: Buffer.concat(chunks).toString('utf8'), seconds: (performance.now() - started) / 1000 });
    });
  });
}

async function runAll(programs: readonly BlockProgram[], jobs: number, defaultTimeout: number, verbose: boolean): Promise<Problem[]> {
  const problems: Problem[] = [];
  const queue = [...programs];
  const worker = async (): Promise<void> => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      const timeout = p.timeoutSeconds ?? defaultTimeout;
      const outcome = await runBlock(p, timeout);
      const at = `${p.page}:${p.block.line}`;
      if (verbose) process.stdout.write(`\n--- ${at} (${outcome.seconds.toFixed(1)} s)\n${outcome.output}`);
      if (outcome.timedOut || outcome.code !== 0) {
        const tail = lastLines(pageLocations(outcome.output, p), 25);
        const why = outcome.timedOut
          ? `did not finish within ${timeout} s (a timer, a feed or a connection left open? a slow block may ask for more with <!-- docs-check: timeout N -->)`
          : `exited with ${outcome.code ?? outcome.signal}`;
        problems.push({ file: p.page, line: p.block.line, message: `the block ${why}${tail ? `:\n${indent(tail)}` : ''}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return problems;
}

/** Rewrites locations in the generated files (paths or file: URLs, with a line) to the page lines they come from. */
function pageLocations(output: string, p: BlockProgram): string {
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let text = output;
  const files: [string, (line: number) => string][] = [[p.file, (line) => {
    const o = p.origin[Math.min(Math.max(line - 1, 0), p.origin.length - 1)]!;
    return `${o.file}:${o.line}`;
  }]];
  for (const prelude of preludes.values()) if (typeof prelude !== 'string') files.push([prelude.copy, (line) => `${prelude.source}:${line}`]);
  for (const [file, map] of files) {
    const url = pathToFileURL(file).href;
    text = text.replace(new RegExp(`(?:${escape(url)}|${escape(file)})(?::(\\d+))?`, 'g'), (_, line?: string) => (line === undefined ? map(1).replace(/:\d+$/, '') : map(Number(line))));
  }
  return text;
}

const lastLines = (text: string, n: number): string => text.trimEnd().split('\n').slice(-n).join('\n');
const indent = (text: string): string => text.split('\n').map((l) => `    ${l}`).join('\n');

// ---------------------------------------------------------------------------------------------------
// Main

interface Options {
  readonly run: boolean;
  readonly timeout: number;
  readonly jobs: number;
  readonly verbose: boolean;
  readonly keep: boolean;
  readonly pages: readonly string[];
}

function parseArgs(argv: readonly string[]): Options {
  let run = true;
  let timeout = 60;
  let jobs = 2;
  let verbose = false;
  let keep = false;
  const pages: string[] = [];
  const positive = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive whole number, got ${JSON.stringify(value ?? '')}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--no-run') run = false;
    else if (a === '--verbose') verbose = true;
    else if (a === '--keep') keep = true;
    else if (a === '--timeout') timeout = positive(a, argv[++i]);
    else if (a === '--jobs') jobs = Math.min(2, positive(a, argv[++i]));
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (known: --no-run, --timeout <s>, --jobs <n>, --verbose, --keep)`);
    else pages.push(path.resolve(a));
  }
  return { run, timeout, jobs, verbose, keep, pages };
}

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseArgs(process.argv.slice(2));
  const all = docPages();
  for (const p of options.pages) if (!all.includes(p)) throw new Error(`${rel(p)} is not one of the pages the checker reads (README.md, docs/*.md, packages/*/README.md, examples/*/README.md)`);
  const pages = options.pages.length > 0 ? options.pages : all;

  const problems: Problem[] = [];
  const parsed = new Map<string, ParsedPage>();
  const parse = (file: string): ParsedPage | undefined => {
    if (!parsed.has(file)) {
      if (!existsSync(file)) return undefined;
      parsed.set(file, parsePage(rel(file), readFileSync(file, 'utf8')));
    }
    return parsed.get(file);
  };
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string): Set<string> | undefined => {
    if (!anchors.has(file)) {
      const page = parse(file);
      if (page === undefined) return undefined;
      anchors.set(file, headingAnchors(page.prose));
    }
    return anchors.get(file);
  };

  // Links and words.
  const files = repositoryFiles();
  let linkCount = 0;
  for (const file of pages) {
    const page = parse(file)!;
    problems.push(...page.problems);
    const links = checkLinks(file, page, files, anchorsOf);
    linkCount += links.count;
    problems.push(...links.problems);
    const text = readFileSync(file, 'utf8').split(/\r?\n/);
    for (const m of findWorkItemMentions(text, page.prose)) problems.push({ file: rel(file), line: m.line, message: `mentions ${m.what} ("${m.text}"): docs speak of the product only` });
  }

  // Blocks.
  removeStaleRuns();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(path.join(OUT_DIR, 'blocks'), { recursive: true });
  linkDependencies();
  const programs: BlockProgram[] = [];
  for (const file of pages) {
    const blocks = parse(file)!.blocks.filter((b) => TYPESCRIPT_LANGS.has(b.lang));
    let chain: CodeBlock[] = [];
    blocks.forEach((block, i) => {
      if (block.directives.continues === true && chain.length === 0)
        problems.push({ file: rel(file), line: block.line, message: 'docs-check: continues, but no TypeScript block comes before it on the page' });
      chain = block.directives.continues === true ? [...chain, block] : [block];
      const continuedBelow = blocks[i + 1]?.directives.continues === true;
      const program = blockProgram(file, chain, continuedBelow, problems);
      if (program !== undefined) programs.push(program);
    });
  }
  const checkStarted = performance.now();
  problems.push(...typeCheck(programs));
  const checkSeconds = (performance.now() - checkStarted) / 1000;

  // A block that a later one continues runs as part of it.
  const runnable = programs.filter((p) => p.typecheckOnly === undefined && !p.continuedBelow);
  let runSeconds = 0;
  if (options.run) {
    const before = new Set(untrackedFiles());
    const topLevel = new Set(readdirSync(ROOT));
    const runStarted = performance.now();
    problems.push(...(await runAll(runnable, options.jobs, options.timeout, options.verbose)));
    runSeconds = (performance.now() - runStarted) / 1000;
    // A block that writes a relative path writes at the root (its working directory). Only new files at
    // the root or in a new top-level folder count: others may be editing the packages meanwhile.
    for (const f of untrackedFiles()) {
      const first = f.split('/')[0]!;
      if (!before.has(f) && (!f.includes('/') || !topLevel.has(first)))
        problems.push({ file: f, line: 0, message: 'appeared in the repository while the blocks ran: a block that writes files writes them under .tmp/ or the system temporary directory' });
    }
  }

  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  const total = (performance.now() - started) / 1000;
  const typecheckOnly = programs.filter((p) => p.typecheckOnly !== undefined).length;
  const continued = programs.filter((p) => p.typecheckOnly === undefined && p.continuedBelow).length;
  // After the problems, on the same stream when there are any, so that the summary comes last.
  (problems.length === 0 ? console.log : console.error)(
    `docs-check: ${pages.length} pages, ${linkCount} links, ${programs.length} blocks type-checked (${checkSeconds.toFixed(1)} s), ` +
      (options.run
        ? `${runnable.length} run (${runSeconds.toFixed(1)} s; ${continued} more run within the block that continues them, ${typecheckOnly} type-check only)`
        : 'none run (--no-run)') +
      `, ${problems.length} problem${problems.length === 1 ? '' : 's'}, ${total.toFixed(1)} s in all`,
  );
  if (options.keep) console.log(`docs-check: the generated programs are in ${rel(OUT_DIR)}`);
  else rmSync(OUT_DIR, { recursive: true, force: true });
  return problems.length === 0 ? 0 : 1;
}

function untrackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return out.toString('utf8').split('\0').filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`docs-check: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
