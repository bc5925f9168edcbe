/** Only a short tail of a gate's output reaches workflow history (the full log stays on disk). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GATE_TAIL_CHARS, shortTail } from '../../workflows/messages';

describe('gate output in history', () => {
  it('keeps the end of a long output, bounded, and short output as is', () => {
    const long = `${'noise\n'.repeat(5000)}FAILED: test_login`;
    const t = shortTail(long);
    assert.ok(t.length <= GATE_TAIL_CHARS + 1);
    assert.ok(t.endsWith('FAILED: test_login'));
    assert.equal(shortTail('ok'), 'ok');
  });
});
