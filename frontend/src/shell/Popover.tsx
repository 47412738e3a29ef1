import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  open: boolean;
  onClose: () => void;
  className?: string;
  children: ReactNode;
}

/** Popover is a panel anchored under its trigger; outside clicks and Esc close it. */
export function Popover({ open, onClose, className, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const down = (e: MouseEvent) => {
      const parent = ref.current?.parentElement;
      if (parent && !parent.contains(e.target as Node)) onClose();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener('mousedown', down);
    document.addEventListener('keydown', key, true);
    return () => {
      document.removeEventListener('mousedown', down);
      document.removeEventListener('keydown', key, true);
    };
  }, [open, onClose]);
  if (!open) return null;
  return (
    <div ref={ref} className={'popover ' + (className ?? '')} role="dialog">
      {children}
    </div>
  );
}

interface PickerButtonProps {
  testId: string;
  label: string;
  value: string;
  open: boolean;
  disabled?: boolean;
  onClick: () => void;
}

/** PickerButton opens a picker's popover: a small label and the current value. */
export function PickerButton({ testId, label, value, open, disabled, onClick }: PickerButtonProps) {
  return (
    <button
      type="button"
      className="picker-button"
      data-testid={testId}
      aria-haspopup="listbox"
      aria-expanded={open}
      disabled={disabled}
      title={open ? undefined : value}
      onClick={onClick}
    >
      <span className="picker-label">{label}</span>
      <span className="picker-value">{value}</span>
      <span className="caret" aria-hidden="true" />
    </button>
  );
}
