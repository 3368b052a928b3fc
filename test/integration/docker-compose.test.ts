import { existsSync, readFileSync } from 'node:fs';

import { parse } from 'yaml';

import { packageFile } from '../../src/util';

// No Docker engine here: the deployment files are checked by parsing them.
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(packageFile('docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const { services } = compose;

  it('has Redis, two app replicas and a load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'lb', 'redis']);
  });

  it('runs Redis append-only (fsync per write) on a persistent volume, memory-bounded with a documented eviction policy', () => {
    const cmd = services.redis.command ?? [];
    const flag = (name: string): string | undefined => cmd[cmd.indexOf(name) + 1];
    expect(cmd[0]).toBe('redis-server');
    expect(flag('--appendonly')).toBe('yes');
    expect(flag('--appendfsync')).toBe('always');
    expect(flag('--maxmemory')).toMatch(/^\d+mb$/);
    // Only keys with a TTL (export jobs) may be evicted: never a cohort.
    expect(flag('--maxmemory-policy')).toBe('volatile-lru');
    expect(services.redis.volumes).toContain('redis-data:/data');
    expect(Object.keys(compose.volumes)).toContain('redis-data');
  });

  it.each(['app1', 'app2'])('%s is built from the Dockerfile, shares Redis and links through the load balancer', (name) => {
    const app = services[name];
    expect(app.build).toBe('.');
    expect(app.environment).toMatchObject({ PORT: '8080', REDIS_URL: 'redis://redis:6379', SYNTHFHIR_BASE_URL: 'http://localhost:8080/fhir' });
    expect(app.ports).toBeUndefined();
    expect(app.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('publishes only the load balancer, on 8080, round-robin over both replicas', () => {
    const lb = services.lb;
    expect(lb.image).toMatch(/^nginx:/);
    expect(lb.ports).toEqual(['8080:8080']);
    const mount = (lb.volumes ?? [])[0].split(':');
    expect(mount[1]).toBe('/etc/nginx/conf.d/default.conf');
    const confPath = packageFile(mount[0].replace(/^\.\//, ''));
    expect(existsSync(confPath)).toBe(true);
    const conf = readFileSync(confPath, 'utf8');
    expect(conf).toMatch(/listen 8080;/);
    const upstream = /upstream synthfhir \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect([...upstream.matchAll(/server (\S+);/g)].map((m) => m[1])).toEqual(['app1:8080', 'app2:8080']);
    expect(conf).toMatch(/proxy_pass http:\/\/synthfhir;/);
    expect(conf).toMatch(/proxy_buffering off;/);
  });
});
