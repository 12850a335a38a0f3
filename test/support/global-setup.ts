import type { TestProject } from 'vitest/node';
import type { DialectName } from '../../src/db/dialect.js';
import { dialectTargets, type DialectTarget } from './dialect-targets.js';
import { probeServer } from './scratch-databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dialectTargets: DialectTarget[];
  }
}

/**
 * Decides once which dialects this run covers. An unreachable server is skipped with a notice;
 * with CI=true, a dialect that was asked for and cannot connect fails the run instead.
 */
export default async function setup(project: TestProject): Promise<void> {
  const strict = process.env.CI === 'true';
  const reachable: DialectTarget[] = [];
  const skipped: string[] = [];
  for (const target of dialectTargets()) {
    try {
      await probeServer(target.dialect, target.adminUrl);
      reachable.push(target);
    } catch (error) {
      const reason = `${target.dialect} (${target.adminUrl}): ${(error as Error).message}`;
      if (strict && target.required) throw new Error(`CI=true and a configured dialect cannot connect: ${reason}`);
      skipped.push(reason);
    }
  }
  const names: DialectName[] = reachable.map((target) => target.dialect);
  process.stdout.write(`\n[dialects] testing on: ${names.join(', ') || 'none'}\n`);
  for (const reason of skipped) process.stdout.write(`[dialects] skipped ${reason}\n`);
  project.provide('dialectTargets', reachable);
}
