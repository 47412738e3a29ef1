import { configure } from '@testing-library/react';

// jsdom lays nothing out: give elements a size so the virtualized table
// renders rows (600 px tall = 20 rows of 30 px).
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 1000 });

// CodeMirror measures text ranges, which jsdom does not implement.
if (typeof Range !== 'undefined') {
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => new DOMRect(0, 0, 0, 0);
}

// Machines running these tests are shared and busy: wait longer than the
// 1 s default for the UI to settle (a wait only ends early on success).
configure({ asyncUtilTimeout: 5000 });
