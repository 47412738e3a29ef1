import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { About } from '../wailsjs/go/main/App';

vi.mock('../wailsjs/go/main/App', () => ({ About: vi.fn() }));

const mockedAbout = vi.mocked(About);

describe('App', () => {
  beforeEach(() => {
    mockedAbout.mockReset();
  });

  it('shows the version and kubeconfig files from the backend', async () => {
    mockedAbout.mockResolvedValue({ version: '1.2.3', kubeconfigFiles: ['/home/me/.kube/config'] });
    render(<App />);
    expect(await screen.findByText('1.2.3')).toBeTruthy();
    expect(screen.getByText('/home/me/.kube/config')).toBeTruthy();
  });

  it('renders hostile file names as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.pwned=1">';
    mockedAbout.mockResolvedValue({ version: '<script>alert(1)</script>', kubeconfigFiles: [hostile] });
    const { container } = render(<App />);
    expect(await screen.findByText(hostile)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('says when the backend is unavailable', async () => {
    mockedAbout.mockRejectedValue(new Error('no bindings'));
    render(<App />);
    expect(await screen.findByText('Backend unavailable: Error: no bindings')).toBeTruthy();
  });
});
