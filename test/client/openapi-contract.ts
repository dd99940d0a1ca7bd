import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { PACKAGE_DIR } from './packed';

export interface ShapeOfType {
  /** property → "required" | "optional", plus "|null" when null is allowed. */
  [property: string]: string;
}

/** The interfaces of the packed typings (resources and errors), property by property. */
export function clientShapes(): Map<string, ShapeOfType> {
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const name of ['types.d.ts', 'errors.d.ts']) {
    const file = join(PACKAGE_DIR, 'dist/types', name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    });
  }
  const shapeOf = (name: string): ShapeOfType => {
    const node = interfaces.get(name)!;
    const shape: ShapeOfType = {};
    for (const clause of node.heritageClauses ?? [])
      for (const parent of clause.types) Object.assign(shape, shapeOf(parent.expression.getText()));
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const nullable =
        member.type
          ?.getText()
          .split('|')
          .some((t) => t.trim() === 'null') ?? false;
      shape[member.name.getText()] =
        `${member.questionToken ? 'optional' : 'required'}${nullable ? '|null' : ''}`;
    }
    return shape;
  };
  return new Map([...interfaces.keys()].map((name) => [name, shapeOf(name)]));
}

interface Schema {
  properties?: Record<string, { nullable?: boolean }>;
  required?: string[];
  allOf?: Array<{ $ref?: string } & Schema>;
}

/** The same view of an OpenAPI schema (swagger's `nullable` and `required`). */
export function schemaShape(document: any, name: string): ShapeOfType {
  const schema: Schema = document.components.schemas[name];
  if (!schema) throw new Error(`no schema ${name} in the OpenAPI document`);
  const shape: ShapeOfType = {};
  for (const part of schema.allOf ?? []) {
    if (part.$ref) Object.assign(shape, schemaShape(document, part.$ref.split('/').pop()!));
  }
  for (const [property, definition] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(property) ? 'required' : 'optional';
    shape[property] = `${required}${definition.nullable ? '|null' : ''}`;
  }
  return shape;
}

/** Query parameter names of one GET operation, without paging and the `filter_{key}` pattern. */
export function queryParameters(document: any, path: string): string[] {
  const parameters: Array<{ in: string; name: string }> = document.paths[path].get.parameters ?? [];
  return parameters
    .filter((p) => p.in === 'query' && !['limit', 'cursor'].includes(p.name) && !p.name.startsWith('filter_'))
    .map((p) => p.name)
    .sort();
}

/** Property names of a client interface, without the `filter_${string}` index signature. */
export function interfaceKeys(name: string): string[] {
  return Object.keys(clientShapes().get(name) ?? {}).sort();
}
