import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { About, Status } from '../wailsjs/go/main/App';
import { EventsOn } from '../wailsjs/runtime/runtime';
import { model } from '../wailsjs/go/models';

vi.mock('../wailsjs/go/main/App', () => ({ About: vi.fn(), Status: vi.fn() }));
vi.mock('../wailsjs/runtime/runtime', () => ({ EventsOn: vi.fn() }));

const mockedAbout = vi.mocked(About);
const mockedStatus = vi.mocked(Status);
const mockedEventsOn = vi.mocked(EventsOn);

describe('App', () => {
  beforeEach(() => {
    mockedAbout.mockReset();
    mockedStatus.mockReset();
    mockedStatus.mockResolvedValue(
      model.SessionStatus.createFrom({ generation: 1, context: 'demo-admin', phase: 'connecting', kinds: [], watches: 0 }),
    );
    mockedEventsOn.mockReset();
    mockedEventsOn.mockReturnValue(() => undefined);
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

  it('shows the context and follows session status events', async () => {
    mockedAbout.mockResolvedValue({ version: '1', kubeconfigFiles: [] });
    render(<App />);
    expect(await screen.findByText('connecting')).toBeTruthy();
    const listener = mockedEventsOn.mock.calls[0]?.[1];
    expect(mockedEventsOn.mock.calls[0]?.[0]).toBe('session:status');
    act(() => listener?.({ generation: 1, context: 'demo-admin', phase: 'error', message: '<b>refused</b>', kinds: [], watches: 0 }));
    expect(await screen.findByText('<b>refused</b>')).toBeTruthy();
    expect(screen.getByText('error')).toBeTruthy();
  });

  it('says when the backend is unavailable', async () => {
    mockedAbout.mockRejectedValue(new Error('no bindings'));
    render(<App />);
    expect(await screen.findByText('Backend unavailable: Error: no bindings')).toBeTruthy();
  });
});
