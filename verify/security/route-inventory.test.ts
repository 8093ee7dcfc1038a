import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { parseRouteTree, routeInventory } from './route-inventory';

describe('parseRouteTree', () => {
  it('joins each node to its parent and lists every method', () => {
    const tree = [
      '├── /healthz (GET, HEAD)',
      '├── /api/trades (GET, HEAD)',
      '│   ├── /import (POST)',
      '│   └── /:id (GET, HEAD)',
      '│       └── /bias (GET, HEAD)',
      '└── /ws/coach (GET, HEAD)',
    ].join('\n');
    expect(parseRouteTree(tree)).toEqual([
      { method: 'GET', url: '/healthz' },
      { method: 'HEAD', url: '/healthz' },
      { method: 'GET', url: '/api/trades' },
      { method: 'HEAD', url: '/api/trades' },
      { method: 'POST', url: '/api/trades/import' },
      { method: 'GET', url: '/api/trades/:id' },
      { method: 'HEAD', url: '/api/trades/:id' },
      { method: 'GET', url: '/api/trades/:id/bias' },
      { method: 'HEAD', url: '/api/trades/:id/bias' },
      { method: 'GET', url: '/ws/coach' },
      { method: 'HEAD', url: '/ws/coach' },
    ]);
  });

  it('refuses a line it cannot read rather than dropping a route', () => {
    expect(() => parseRouteTree('├── /a (GET)\nsomething else')).toThrow(/unreadable/);
  });
});

describe('routeInventory', () => {
  it('finds every route of a real Fastify app, nested prefixes and wildcards included', async () => {
    const app = Fastify();
    app.get('/api/a', async () => ({}));
    app.post('/api/a', async () => ({}));
    app.delete('/api/a/:id', async () => ({}));
    app.patch('/api/a/:id/b', async () => ({}));
    await app.register(
      async (scope) => {
        scope.get('/x', async () => ({}));
      },
      { prefix: '/scope' },
    );
    app.get('/*', async () => '');
    await app.ready();
    const keys = routeInventory(app).map((r) => `${r.method} ${r.url}`);
    expect(keys.sort()).toEqual(
      [
        'DELETE /api/a/:id',
        'GET /*',
        'GET /api/a',
        'GET /scope/x',
        'PATCH /api/a/:id/b',
        'POST /api/a',
      ].sort(),
    );
    await app.close();
  });
});
