import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NamespacePicker } from './NamespacePicker';

describe('NamespacePicker', () => {
  afterEach(cleanup);

  it('searches the namespaces and picks one, or all', () => {
    const onPick = vi.fn();
    render(<NamespacePicker value="" namespaces={['default', 'shop', 'payments']} error={null} onOpen={() => {}} onPick={onPick} />);
    fireEvent.click(screen.getByTestId('namespace-picker'));
    expect(screen.getAllByTestId('namespace-item').map((i) => i.getAttribute('data-namespace'))).toEqual(['', 'default', 'shop', 'payments']);
    fireEvent.change(screen.getByTestId('namespace-search'), { target: { value: 'pay' } });
    expect(screen.getAllByTestId('namespace-item').map((i) => i.getAttribute('data-namespace'))).toEqual(['payments']);
    fireEvent.keyDown(screen.getByTestId('namespace-search'), { key: 'Enter' });
    expect(onPick).toHaveBeenLastCalledWith('payments');
  });

  it('offers a typed namespace when listing is not allowed', () => {
    const onPick = vi.fn();
    render(<NamespacePicker value="shop" namespaces={[]} error='namespaces is forbidden: User "viewer" cannot list' onOpen={() => {}} onPick={onPick} />);
    fireEvent.click(screen.getByTestId('namespace-picker'));
    expect(screen.getByText(/cannot list/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('namespace-search'), { target: { value: 'team-a' } });
    fireEvent.click(screen.getByText('Use “team-a”'));
    expect(onPick).toHaveBeenCalledWith('team-a');
  });
});
