import { render } from '@testing-library/react';
import type { KindInfo } from '../api';
import { ResourceTable, type Sort } from '../table/ResourceTable';
import type { WindowCache } from '../table/windowCache';

const none = () => undefined;

/** renderTable draws a ready table of kind over cache, in all namespaces, picks and sorts going nowhere. */
export function renderTable(kind: KindInfo, cache: WindowCache, now = 0, sort: Sort = { sortBy: '', desc: false }) {
  return render(
    <ResourceTable
      kind={kind}
      namespace=""
      cache={cache}
      state="ready"
      now={now}
      sort={sort}
      onSort={none}
      selectedKey={null}
      onSelect={none}
      onOpen={none}
      empty={null}
      loading={null}
      error={null}
    />,
  );
}
