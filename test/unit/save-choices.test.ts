import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaveChoices } from '../../electron/main/save-choices.js';

describe('SaveChoices (files chosen in the native save dialog)', () => {
  it('lets a chosen file be replaced once, and no other file', () => {
    const choices = new SaveChoices();
    choices.remember('/home/me/Downloads/app.tar');
    assert.equal(choices.take('/home/me/.bashrc'), false);
    assert.equal(choices.take('/home/me/Downloads/app.tar'), true);
    assert.equal(choices.take('/home/me/Downloads/app.tar'), false);
  });

  it('keeps only the last few choices', () => {
    const choices = new SaveChoices();
    for (let i = 0; i < 40; i++) choices.remember(`/tmp/${i}.tar`);
    assert.equal(choices.take('/tmp/0.tar'), false);
    assert.equal(choices.take('/tmp/39.tar'), true);
  });
});
