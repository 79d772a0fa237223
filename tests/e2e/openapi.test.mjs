// The API's OpenAPI description, as in the repository and as the server serves it, passes
// @readme/openapi-parser: the OpenAPI schema plus the rules beyond it (path parameters
// declared, operation ids unique, references resolved).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate, compileErrors } from '@readme/openapi-parser';
import { BASE, startServer } from './helpers.mjs';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/openapi.json');

// What is wrong with `doc`, or '' when it is valid. validate() reports most problems in its
// result rather than by throwing, so a test that only awaits it passes on anything; and it
// dereferences what it is given, hence the copy.
async function problems(doc) {
  try {
    const result = await validate(structuredClone(doc));
    return result.valid ? '' : compileErrors(result);
  } catch (e) {
    return String(e?.message || e) || 'validate() threw';
  }
}

describe('OpenAPI description', () => {
  const sourceText = fs.readFileSync(SOURCE, 'utf8');
  const source = JSON.parse(sourceText);

  test('docs/openapi.json is a valid OpenAPI document', async () => {
    assert.equal(await problems(source), '');
  });

  test('the server serves the same document at /api/openapi.json', async () => {
    const r = await fetch(BASE + '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const text = await r.text();
    assert.equal(text, sourceText, 'the bytes of docs/openapi.json');
    assert.equal(await problems(JSON.parse(text)), '');
  });

  describe('with an API key', () => {
    let server;
    before(async () => { server = await startServer({ LOUPE_API_KEY: 'e2e-openapi-key' }); });
    after(async () => { await server?.stop(); });

    test('the description needs no key, the API still does', async () => {
      const r = await fetch(server.url + '/api/openapi.json');
      assert.equal(r.status, 200);
      assert.ok((await r.json()).paths['/api/search']);
      assert.equal((await fetch(server.url + '/api/search?q=claude')).status, 401);
    });
  });

  // Without these, a validator that accepted everything would pass the tests above.
  test('the validator rejects broken copies of it', async () => {
    const broken = {
      'no info': (d) => { delete d.info; },
      'an unknown type': (d) => { d.components.schemas.Hit.properties.score.type = 'float'; },
      'a reference to nothing': (d) => {
        d.paths['/api/search'].get.responses['200'].content['application/json'].schema.$ref = '#/components/schemas/Nothing';
      },
      'a path parameter not declared': (d) => {
        d.paths['/api/documents/{id}'].get.parameters = d.paths['/api/documents/{id}'].get.parameters.filter((p) => !p.$ref);
      },
      'a duplicate operation id': (d) => { d.paths['/api/suggest'].get.operationId = 'search'; },
    };
    for (const [what, breakIt] of Object.entries(broken)) {
      const doc = structuredClone(source);
      breakIt(doc);
      assert.notEqual(await problems(doc), '', `a document with ${what} passed`);
    }
  });
});
