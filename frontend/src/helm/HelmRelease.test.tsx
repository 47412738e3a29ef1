import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KindInfo, Row } from '../api';
import { DetailsPanel } from '../details/DetailsPanel';
import { details, fake, row } from '../test/fakeBackend';
import generated from '../test/kinds.gen.json';
import { kindsById } from '../test/kindsFixture';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

// The Helm releases kind as the backend describes it (the contract fixture).
const gen = generated as unknown as { kinds: KindInfo[]; rows: Record<string, Row> };
const helmKind = gen.kinds.find((k) => k.id === 'helmreleases')!;
const kinds = new Map([...kindsById, ['helmreleases', helmKind]]);
const target = { kind: 'helmreleases', namespace: 'shop', name: 'web', key: 'shop/web' };

function panel(onNavigate = vi.fn()) {
  return <DetailsPanel target={target} generation={1} now={1_800_000_000_000} kinds={kinds} onClose={() => {}} onNavigate={onNavigate} />;
}

describe('Helm release details', () => {
  beforeEach(() => {
    fake.reset();
    fake.b.details = details({ ...gen.rows.helmreleases!, kind: 'helmreleases', name: 'web', namespace: 'shop', key: 'shop/web' });
  });
  afterEach(cleanup);

  it('offers history, values and manifest instead of YAML and events', async () => {
    render(panel());
    const tabs = screen.getAllByRole('tab').map((t) => t.textContent);
    expect(tabs).toEqual(['Overview', 'History', 'Values', 'Manifest']);
    expect((await screen.findByTestId('helm-notes')).textContent).toContain('Thanks for installing web');
  });

  it('lists every revision, the newest first', async () => {
    render(panel());
    fireEvent.click(screen.getByTestId('details-tab-history'));
    const revs = await screen.findAllByTestId('helm-revision');
    expect(revs.map((r) => [r.getAttribute('data-revision'), r.getAttribute('data-status')])).toEqual([
      ['2', 'failed'],
      ['1', 'superseded'],
    ]);
    expect(revs[0]!.textContent).toContain('Upgrade failed');
  });

  it('masks every value until one is revealed, and reveals only that one', async () => {
    render(panel());
    fireEvent.click(screen.getByTestId('details-tab-values'));
    const values = await screen.findAllByTestId('helm-value');
    expect(values.map((v) => v.getAttribute('data-path'))).toEqual(['db.password']);
    expect(screen.queryByTestId('helm-value-text')).toBeNull();
    expect(fake.api.revealHelmValue).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('helm-values-computed'));
    const computed = await screen.findAllByTestId('helm-value');
    expect(computed.map((v) => v.getAttribute('data-path'))).toEqual(['db.password', 'replicas']);
    fireEvent.click(within(computed[1]!).getByTestId('helm-value-reveal'));
    expect((await screen.findByTestId('helm-value-text')).textContent).toContain('value-of-replicas@2-computed');
    expect(fake.api.revealHelmValue).toHaveBeenCalledWith('shop', 'web', 2, true, ['replicas']);
    expect(within(computed[0]!).queryByTestId('helm-value-masked')).not.toBeNull();

    fireEvent.click(screen.getByTestId('helm-value-hide'));
    await waitFor(() => expect(screen.queryByTestId('helm-value-text')).toBeNull());
  });

  it('links the resources it owns to their details', async () => {
    const onNavigate = vi.fn();
    render(panel(onNavigate));
    fireEvent.click(await screen.findByTestId('helm-resource'));
    expect(onNavigate).toHaveBeenCalledWith(expect.objectContaining({ kind: 'services', namespace: 'shop', name: 'web', key: 'shop/web' }));
  });

  it('reads the manifest of the revision chosen', async () => {
    render(panel());
    fireEvent.click(screen.getByTestId('details-tab-manifest'));
    await waitFor(() => expect(fake.api.fetchHelmManifest).toHaveBeenCalledWith(1, 'shop', 'web', 2));
    fireEvent.change(await screen.findByTestId('helm-manifest-revision'), { target: { value: '1' } });
    await waitFor(() => expect(fake.api.fetchHelmManifest).toHaveBeenCalledWith(1, 'shop', 'web', 1));
  });

  it('reads nothing of Helm for other kinds', async () => {
    fake.b.details = details(row('web-1'));
    render(<DetailsPanel target={{ kind: 'pods', namespace: 'shop', name: 'web-1', key: 'shop/web-1' }} generation={1} now={0} kinds={kinds} onClose={() => {}} onNavigate={() => {}} />);
    await screen.findByTestId('details-facts');
    expect(fake.api.helmRelease).not.toHaveBeenCalled();
  });
});
