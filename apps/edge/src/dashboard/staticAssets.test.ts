import { describe, expect, it } from 'vitest';
import { DASHBOARD_ASSETS } from './staticAssets';

describe('dashboard assets', () => {
  it('bundles chart.js and the page script as text', () => {
    expect(DASHBOARD_ASSETS['chart.umd.min.js']!.body).toMatch(/Chart\.js v4\.6\.1/);
    expect(DASHBOARD_ASSETS['dashboard.js']!.body.length).toBeGreaterThan(10);
  });
});
