import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/**
 * The layers under `src/`, bottom first, and the layers each may import (STYLE.md, "Layout"). The parts
 * (`constructs`, `monitoring`, `checks`) import only what is below them; the pattern composes them.
 */
const LAYERS: Record<string, readonly string[]> = {
  schema: [],
  contract: [],
  core: ['schema'],
  constructs: ['contract', 'core', 'schema'],
  monitoring: ['core', 'schema'],
  checks: ['core', 'schema'],
  patterns: ['constructs', 'monitoring', 'checks', 'core', 'schema'],
  service: ['contract', 'schema'],
};

/** Packages a layer must not load: the record definition runs everywhere, the service never synthesizes. */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  schema: /^(cdktf|@cdktf\/|constructs$|hono|@hono\/)/,
  contract: /^(cdktf|@cdktf\/|constructs$|hono|@hono\/)/,
  service: /^(cdktf|@cdktf\/|constructs$)/,
};

interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** Absolute path of the imported file under src/, or undefined for a package. */
  readonly to?: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier of a file: imports and re-exports (type-only ones too), `require`, `import()` and `import('x').T`. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
      && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const COMPILER_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };

function importsOf(file: string): ImportEdge[] {
  return specifiersOf(file).map((specifier) => {
    if (!specifier.startsWith('.')) return { from: file, specifier };
    const resolved = ts.resolveModuleName(specifier, file, COMPILER_OPTIONS, ts.sys).resolvedModule;
    if (!resolved) throw new Error(`${rel(file)} imports ${specifier}, which does not resolve`);
    return { from: file, specifier, to: path.resolve(resolved.resolvedFileName) };
  });
}

function rel(file: string): string {
  return path.relative(SRC, file).split(path.sep).join('/');
}

/** Strongly connected components with more than one member (or a self-loop): each is an import cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  if (!graph.has(from)) graph.set(from, new Set());
  if (!graph.has(to)) graph.set(to, new Set());
  graph.get(from)!.add(to);
}

/** Import cycles between files, given `rel(file)` -> imported `rel(file)`s. */
function fileCycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) addEdge(graph, from, to);
  return cycles(graph);
}

/**
 * Import cycles between folders: at every depth, sibling folders (each with everything below it) that import each
 * other, directly or through other siblings. `service/store` and `service/events` are siblings, so are `constructs`
 * and `monitoring`.
 */
function folderCycles(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const a = from.split('/').slice(0, -1);
    const b = to.split('/').slice(0, -1);
    let shared = 0;
    while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared += 1;
    // Folders meet as siblings only when both sides go one level deeper than their common parent.
    if (shared < a.length && shared < b.length) addEdge(graph, a.slice(0, shared + 1).join('/'), b.slice(0, shared + 1).join('/'));
  }
  return cycles(graph);
}

/** Imports that break the layer rule or load a package the layer must not load. */
function layerViolations(imports: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const edge of imports) {
    const from = rel(edge.from);
    const layer = from.includes('/') ? from.split('/')[0] : undefined;
    if (layer !== undefined && !(layer in LAYERS)) {
      problems.push(`${from}: folder src/${layer} is not a known layer (add it to LAYERS with what it may import)`);
      continue;
    }
    if (edge.to === undefined) {
      const forbidden = layer === undefined ? undefined : FORBIDDEN_PACKAGES[layer];
      if (forbidden?.test(edge.specifier)) problems.push(`${from} imports ${edge.specifier}, which src/${layer} must not load`);
      continue;
    }
    const to = rel(edge.to);
    if (to.startsWith('..')) {
      problems.push(`${from} imports ${edge.specifier}, outside src/`);
      continue;
    }
    if (!to.includes('/')) {
      problems.push(`${from} imports ${to}: the package entry point re-exports only and is imported by nobody under src/`);
      continue;
    }
    const target = to.split('/')[0];
    if (layer === undefined || layer === target) continue;
    if (!LAYERS[layer].includes(target)) {
      problems.push(`${from} imports ${to}: src/${layer} may import only ${LAYERS[layer].map((l) => `src/${l}`).join(', ') || 'itself'}`);
    }
  }
  return problems;
}

describe('imports under src/', () => {
  const imports = sourceFiles(SRC).flatMap(importsOf);
  const local = imports.filter((i) => i.to !== undefined).map((i) => [rel(i.from), rel(i.to!)] as const);

  test('form no cycle between files', () => {
    expect(fileCycles(local)).toEqual([]);
  });

  test('form no cycle between folders', () => {
    expect(folderCycles(local)).toEqual([]);
  });

  test('point one way: schema, core, the parts, the pattern; the service on schema and the env contract only', () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  test('are all seen: the walk finds imports of every kind', () => {
    // Guards the checks above against a parser that silently finds nothing.
    const specifiers = new Set(imports.map((i) => `${rel(i.from)} ${i.specifier}`));
    expect(local.length).toBeGreaterThan(100);
    expect([...specifiers].some((s) => s.startsWith('service/server.ts ./store/'))).toBe(true);
  });
});

describe('the cycle finder', () => {
  test('fails when two files import each other, directly or around a ring', () => {
    expect(fileCycles([['a/x.ts', 'a/y.ts'], ['a/y.ts', 'a/x.ts'], ['a/z.ts', 'a/x.ts']])).toEqual([['a/x.ts', 'a/y.ts']]);
    expect(fileCycles([['p.ts', 'q.ts'], ['q.ts', 'r.ts'], ['r.ts', 'p.ts']])).toEqual([['p.ts', 'q.ts', 'r.ts']]);
    expect(fileCycles([['p.ts', 'q.ts'], ['q.ts', 'r.ts']])).toEqual([]);
  });

  test('fails when sibling folders import each other through different files', () => {
    const edges = [['constructs/pipeline.ts', 'monitoring/alerts.ts'], ['monitoring/fleet.ts', 'constructs/validation.ts']] as const;
    expect(fileCycles(edges)).toEqual([]);
    expect(folderCycles(edges)).toEqual([['constructs', 'monitoring']]);
    expect(folderCycles([['service/events/local.ts', 'service/store/store.ts'], ['service/store/cache.ts', 'service/events/publisher.ts']]))
      .toEqual([['service/events', 'service/store']]);
  });

  test('lets a folder import its parent and a parent import its child folder', () => {
    expect(folderCycles([['checks/rules/iam.ts', 'checks/rule.ts'], ['checks/aspect.ts', 'checks/rules/index.ts']])).toEqual([]);
  });

  test('fails when a part imports the pattern or the service imports a construct', () => {
    const at = (file: string) => path.join(SRC, file);
    expect(layerViolations([
      { from: at('monitoring/alerts.ts'), specifier: '../patterns/analytics-pipeline', to: at('patterns/analytics-pipeline.ts') },
      { from: at('service/app.ts'), specifier: '../core/validation', to: at('core/validation.ts') },
      { from: at('schema/field.ts'), specifier: 'cdktf' },
      { from: at('patterns/analytics-pipeline.ts'), specifier: '../monitoring', to: at('monitoring/index.ts') },
    ])).toEqual([
      expect.stringMatching(/^monitoring\/alerts.ts imports patterns\/analytics-pipeline.ts: src\/monitoring may import only src\/core, src\/schema$/),
      expect.stringMatching(/^service\/app.ts imports core\/validation.ts: src\/service may import only src\/contract, src\/schema$/),
      expect.stringMatching(/^schema\/field.ts imports cdktf, which src\/schema must not load$/),
    ]);
  });
});
