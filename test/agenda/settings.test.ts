/** The agenda's settings: POLLEN_PUBLIC_URL, POLLEN_SMTP_URL, POLLEN_MAIL_FROM (validated, known, secrets kept). */
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/index.js';
import { publicUrlWarning } from '../../src/config/public-url.js';
import { unknownSettings } from '../../src/config/unknown.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('agenda settings', () => {
  it('POLLEN_PUBLIC_URL: an http(s) address, kept without its trailing slash; anything else is refused', () => {
    expect(loadConfig({ POLLEN_PUBLIC_URL: 'https://pollen.example.org/' }).publicUrl).toBe('https://pollen.example.org');
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ POLLEN_PUBLIC_URL: '  ' }).publicUrl).toBeUndefined();
    expect(problems({ POLLEN_PUBLIC_URL: 'ftp://pollen.example.org' })).toEqual(['POLLEN_PUBLIC_URL must be an http(s) URL such as https://pollen.example.org']);
    expect(problems({ POLLEN_PUBLIC_URL: 'pollen.example.org' })).toEqual(['POLLEN_PUBLIC_URL must be an http(s) URL such as https://pollen.example.org']);
  });

  it('warns at start when POLLEN_PUBLIC_URL names this machine (links nobody else can follow)', () => {
    for (const url of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']) expect(publicUrlWarning(url)).toMatch(/^POLLEN_PUBLIC_URL names this machine \(loopback\)/);
    expect(publicUrlWarning('https://pollen.example.org')).toBeUndefined();
    expect(publicUrlWarning(undefined)).toBeUndefined();
  });

  it('POLLEN_SMTP_URL: smtp:// or smtps:// only, refused without repeating it, and never shown', () => {
    const url = 'smtps://robot:tr3s-secret@mail.example.org:465';
    const config = loadConfig({ POLLEN_SMTP_URL: url, POLLEN_MAIL_FROM: 'Pollen <agenda@example.org>' });
    expect(config.mail).toEqual({ smtpUrl: url, from: 'Pollen <agenda@example.org>' });
    expect(JSON.stringify(describeConfig(config))).not.toContain('tr3s-secret');
    expect(describeConfig(config).mail).toEqual({ smtpUrl: '[redacted]', from: 'Pollen <agenda@example.org>' });
    const refused = problems({ POLLEN_SMTP_URL: 'http://robot:tr3s-secret@mail.example.org' });
    expect(refused).toEqual(['POLLEN_SMTP_URL must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.org:465']);
    expect(loadConfig({}).mail.smtpUrl).toBeUndefined();
    expect(loadConfig({ POLLEN_MAIL_FROM: 'agenda@example.org' }).mail.from).toBe('agenda@example.org');
    expect(problems({ POLLEN_MAIL_FROM: 'Pollen agenda' })).toEqual(['POLLEN_MAIL_FROM must be an address such as agenda@example.org or "Pollen <agenda@example.org>"']);
  });

  it('the three names are known settings (no "unknown variable" warning)', () => {
    expect(unknownSettings({ POLLEN_PUBLIC_URL: 'x', POLLEN_SMTP_URL: 'x', POLLEN_MAIL_FROM: 'x', POLLEN_PUBLIK_URL: 'x' })).toEqual([{ name: 'POLLEN_PUBLIK_URL', closest: 'POLLEN_PUBLIC_URL' }]);
  });
});
