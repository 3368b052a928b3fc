import { IDE_INTROSPECTION_QUERY, idePage, typeDocLines, typeRefText } from '../../../src/graphql';

/** The IDE page's logic without a DOM (the browser test drives the whole page). */
describe('IDE page', () => {
  it('writes type references as GraphQL does', () => {
    expect(typeRefText({ kind: 'NON_NULL', ofType: { kind: 'LIST', ofType: { kind: 'NON_NULL', ofType: { kind: 'OBJECT', name: 'Model' } } } })).toBe('[Model!]!');
    expect(typeRefText({ kind: 'SCALAR', name: 'String' })).toBe('String');
    expect(typeRefText(null)).toBe('?');
  });

  it('documents a type field by field with arguments', () => {
    const lines = typeDocLines({
      name: 'Query',
      kind: 'OBJECT',
      description: 'root',
      fields: [{ name: 'model', args: [{ name: 'hash', type: { kind: 'SCALAR', name: 'ID' } }], type: { kind: 'OBJECT', name: 'Model' } }],
      enumValues: null,
    });
    expect(lines).toEqual(['object Query', 'root', '  model(hash: ID): Model']);
  });

  it('embeds its script inline, with the endpoint and no external resource', () => {
    const html = idePage('/fhir/$graphql', 'T', '{ a }');
    expect(html).toContain('const ENDPOINT = "/fhir/$graphql"');
    expect(html).toContain(JSON.stringify(IDE_INTROSPECTION_QUERY));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    expect(idePage('/graphql', 'T', '<b>')).toContain('&lt;b&gt;');
  });
});
