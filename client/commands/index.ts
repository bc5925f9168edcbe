/**
 * Every command's name, arguments and options. These modules import nothing heavy: each action loads its
 * implementation (client/actions/*) only when it runs, so `overseer --help` starts in a blink.
 */
import type { Command } from 'commander';
import { registerDev } from './dev';
import { registerRun } from './run';
import { registerStatus } from './status';
import { registerPlan } from './plan';
import { registerDemo } from './demo';
import { registerQuestions, registerDecisions, registerEpicControls } from './humans';
import { registerQueue } from './queue';
import { registerInspect } from './inspect';
import { registerDoctor } from './doctor';
import { registerDashboard } from './dashboard';
import { registerBudget } from './budget';

export function registerAll(program: Command): void {
  registerDev(program);
  registerRun(program);
  registerStatus(program);
  registerPlan(program);
  registerQuestions(program);
  registerDecisions(program);
  registerEpicControls(program);
  registerInspect(program);
  registerQueue(program);
  registerDashboard(program);
  registerBudget(program);
  registerDoctor(program);
  registerDemo(program);
}
