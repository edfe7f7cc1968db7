// A tool's input declared once as plain data: it becomes the JSON Schema the client sees, and the check
// every call goes through, so a bad argument gets a TunekitError naming the tool, the field and the fix.
import { TunekitError } from '../index.js';

export interface FieldSpec {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  readonly description: string;
  readonly required?: boolean;
  readonly enum?: readonly string[];
  /** integer: the least value allowed. */
  readonly minimum?: number;
  /** array: the items' type (numbers unless said). */
  readonly items?:
    { readonly type: 'number' } | { readonly type: 'string'; readonly enum: readonly string[] };
}

export type InputSpec = Readonly<Record<string, FieldSpec>>;

/** The MCP `inputSchema` of a tool. */
export function jsonSchema(input: InputSpec): Record<string, unknown> {
  const properties = Object.fromEntries(
    Object.entries(input).map(([name, { required: _r, ...field }]) => [name, field]),
  );
  const required = Object.entries(input)
    .filter(([, f]) => f.required)
    .map(([name]) => name);
  return { type: 'object', properties, required, additionalProperties: false };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function matches(field: FieldSpec, value: unknown): boolean {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' && (!field.enum || field.enum.includes(value));
    case 'integer':
      return Number.isInteger(value) && (value as number) >= (field.minimum ?? -Infinity);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((v) =>
          field.items?.type === 'string'
            ? field.items.enum.includes(v as string)
            : typeof v === 'number' && Number.isFinite(v),
        )
      );
  }
}

function expected(field: FieldSpec): string {
  if (field.enum) return `one of ${field.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (field.type === 'integer')
    return `an integer${field.minimum === undefined ? '' : ` >= ${field.minimum}`}`;
  if (field.type === 'array')
    return field.items?.type === 'string'
      ? `a non-empty array of ${field.items.enum.map((e) => JSON.stringify(e)).join(' / ')}`
      : 'a non-empty array of finite numbers';
  if (field.type === 'number') return 'a finite number';
  return `a${field.type === 'object' ? 'n' : ''} ${field.type}`;
}

/** The arguments of a call, checked against the tool's input: unknown, missing and mistyped fields refused. */
export function checkInput(tool: string, input: InputSpec, args: unknown): Record<string, unknown> {
  const given = args ?? {};
  if (!isObject(given))
    throw new TunekitError('invalid_argument', `${tool}: arguments must be an object of named fields`);
  for (const key of Object.keys(given))
    if (!(key in input))
      throw new TunekitError(
        'invalid_argument',
        `${tool}: unknown argument "${key}"; it takes ${Object.keys(input).join(', ') || 'no arguments'}`,
        { field: key },
      );
  for (const [name, field] of Object.entries(input)) {
    const value = given[name];
    if (value === undefined) {
      if (field.required)
        throw new TunekitError('invalid_argument', `${tool}: "${name}" is required (${field.description})`, {
          field: name,
        });
    } else if (!matches(field, value))
      throw new TunekitError(
        'invalid_argument',
        `${tool}: "${name}" must be ${expected(field)}, got ${JSON.stringify(value)}`,
        { field: name },
      );
  }
  return given;
}
