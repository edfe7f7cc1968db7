import { describe, expect, it } from 'vitest';
import { checkInput, jsonSchema } from './input.js';
import { TOOLS } from './tools.js';

const input = {
  study: { type: 'string', description: 'name', required: true },
  n: { type: 'integer', minimum: 1, description: 'count' },
  dirs: { type: 'array', items: { type: 'string', enum: ['minimize', 'maximize'] }, description: 'dirs' },
} as const;

describe('tool input', () => {
  it('is offered as a closed JSON Schema', () => {
    expect(jsonSchema(input)).toEqual({
      type: 'object',
      properties: {
        study: { type: 'string', description: 'name' },
        n: { type: 'integer', minimum: 1, description: 'count' },
        dirs: {
          type: 'array',
          items: { type: 'string', enum: ['minimize', 'maximize'] },
          description: 'dirs',
        },
      },
      required: ['study'],
      additionalProperties: false,
    });
  });

  it('refuses missing, unknown and mistyped fields, naming the tool and the field', () => {
    expect(checkInput('t', input, { study: 's', n: 2 })).toEqual({ study: 's', n: 2 });
    expect(() => checkInput('t', input, {})).toThrow('t: "study" is required (name)');
    expect(() => checkInput('t', input, { study: 's', m: 1 })).toThrow(
      't: unknown argument "m"; it takes study, n, dirs',
    );
    expect(() => checkInput('t', input, { study: 's', n: 0.5 })).toThrow(
      't: "n" must be an integer >= 1, got 0.5',
    );
    expect(() => checkInput('t', input, { study: 's', dirs: ['up'] })).toThrow(
      't: "dirs" must be a non-empty array of "minimize" / "maximize", got ["up"]',
    );
    expect(() => checkInput('t', input, [1])).toThrow('t: arguments must be an object of named fields');
  });

  it('every tool has a unique snake_case name, a description and a valid schema', () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of TOOLS) {
      expect(t.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(t.description.length).toBeGreaterThan(20);
      expect(jsonSchema(t.input).type).toBe('object');
    }
  });
});
