import { describe, expect, test } from 'vitest';

import { aCurrent, aDashboard, PAUSED_BY_ANN } from './fixtures';
import { robotStatus } from './robot';

describe('robotStatus', () => {
  test('a stuck run outranks everything else', () => {
    const status = robotStatus(
      aDashboard({ foreignRun: 'HxRun.exe, pid 4242' }, {
        running: [
          aCurrent(5, { scheduleName: 'A' }),
          aCurrent(50, { runId: 'run-2', scheduleName: 'B', status: 'stuck' }),
        ],
      }),
    );
    expect(status.state).toBe('stuck');
    expect(status.title).toBe('“B” is stuck — VENUS is probably waiting on a dialog; go to the robot');
  });

  test("Deckhand's own runs are named, and a foreign run beside them is mentioned", () => {
    const status = robotStatus(
      aDashboard({ foreignRun: 'HxRun.exe, pid 4242' }, {
        running: [aCurrent(5, { scheduleName: 'A' }), aCurrent(5, { runId: 'run-2', scheduleName: 'B' })],
      }),
    );
    expect(status.title).toBe('Busy — Deckhand is running “A” and “B”');
    expect(status.detail).toContain('HxRun.exe, pid 4242');
  });

  test('a free robot says whether anything will start by itself', () => {
    expect(robotStatus(aDashboard()).title).toBe('Robot free');
    expect(robotStatus(aDashboard({}, { scheduler: PAUSED_BY_ANN })).detail).toContain('the scheduler is paused');
  });
});
