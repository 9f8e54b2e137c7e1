import { describe, expect, it } from 'vitest';
import { recommendationSoftwareId } from './recommendations.js';

describe('recommendationSoftwareId', () => {
  it('names the product of a vulnerability (va-) recommendation', () => {
    expect(
      recommendationSoftwareId({ id: 'va-_-google-_-chrome', vendor: 'google', productName: 'chrome' }),
    ).toBe('google-_-chrome');
  });

  it('has no product for a configuration (sca-) recommendation', () => {
    expect(
      recommendationSoftwareId({ id: 'sca-_-scid-2500', vendor: 'microsoft', productName: 'windows_10' }),
    ).toBeNull();
  });

  it('has no product when vendor or product is missing', () => {
    expect(recommendationSoftwareId({ id: 'va-_-x', vendor: null, productName: 'x' })).toBeNull();
  });
});
