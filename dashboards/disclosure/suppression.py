"""Primary and secondary suppression of a table (issue 16 §2). Pure: a table.Table in, the suppressed cells out.

1. Primary: every people count from 1 to threshold - 1.
2. Secondary: for each suppressed cell (a work list), the audit's linear program gives its feasible interval given
   the published cells and the equations; while that interval is narrower than the threshold, one more cell of one
   of its equations is suppressed: the smallest published one that is not 0, a cell before a total of the same
   value (never a total when a smaller cell will do), a 0 only when nothing else is left. The new cell joins the
   work list. Suppressing more only widens the intervals already checked, so one pass over the list is enough; the
   audit then proves the result.
"""

from .audit import Ranges
from .table import Table


def primary(table: Table, threshold: int) -> set:
    return {key for key, value in table.values.items() if 0 < value < threshold}


def _candidate_order(table: Table, key) -> tuple:
    """A published cell that is not 0 before a 0 (a 0 suppressed adds no room), a cell before a total (a total sits
    in more equations: suppressing it calls for more cells), the smallest first."""
    value = table.values[key]
    return (value == 0, table.margin.get(key, 0) > 0, value, table.margin.get(key, 0), str(key))


def protect(table: Table, threshold: int) -> tuple[set, set]:
    """(primary, all suppressed cells). In rounds: every suppressed cell not yet proven wide enough is checked
    (quick bound, then the audit's programs); each narrow one gets one more suppressed cell in its equations, unless
    another narrow cell of the same equation already got one this round. Proven cells stay proven: suppressing more
    only widens intervals."""
    first = primary(table, threshold)
    ranges = Ranges(table.equations, table.values, first)
    ranges.threshold = threshold
    proven: set = set()
    while True:
        narrow = [cell for cell in ranges.suppressed if ranges.quick_upper(cell) < threshold]
        unchecked = ranges.suppressed - proven - set(narrow)
        for cell, (low, high) in ranges.widths(unchecked, threshold, known=table.values).items():
            if high - low >= threshold:
                proven.add(cell)
            else:
                narrow.append(cell)
        if not narrow:
            return first, set(ranges.suppressed)
        touched: set = set()
        added = False
        for cell in sorted(narrow, key=lambda key: (table.values[key], str(key))):
            if touched & set(ranges.by_cell[cell]):
                continue
            choice = _next_cell(table, ranges, cell)
            if choice is None:  # every cell linked to it is suppressed: nothing published bounds it any more
                continue
            ranges.suppress(choice)
            touched |= set(ranges.by_cell[choice])
            added = True
        if not added:
            return first, set(ranges.suppressed)


def _next_cell(table: Table, ranges: Ranges, cell):
    """The published cell to suppress next for ``cell``: in the equation that binds it most when one does alone
    (it is the only suppressed cell there: the total minus the others; or its suppressed cells add up to less than
    the threshold), else in the equations that bound its max or min in the linear program (a non-zero dual value),
    else anywhere in the equations of the suppressed cells linked to it. Among them, the smallest published cell,
    a cell before a total, a 0 last (``_candidate_order``)."""
    best, best_rank = None, None
    for number in ranges.by_cell[cell]:
        hidden, constant = ranges.reduced[number]
        published = [key for key, _c in ranges.equations[number] if key not in ranges.suppressed]
        if not published:
            continue
        coefficient = dict(hidden)[cell]
        same_sign = all((c > 0) == (coefficient > 0) for _key, c in hidden)
        if len(hidden) == 1 or (same_sign and constant / coefficient < ranges.threshold):
            candidate = min(published, key=lambda key: _candidate_order(table, key))
            rank = (len(hidden) != 1, _candidate_order(table, candidate))
            if best_rank is None or rank < best_rank:
                best, best_rank = candidate, rank
    if best is not None:
        return best
    binding = {key for number in ranges.binding(cell) for key, _c in ranges.equations[number]
               if key not in ranges.suppressed}
    if binding:
        return min(binding, key=lambda key: _candidate_order(table, key))
    cells, _equations = ranges.component(cell)
    linked = {key for other in cells for number in ranges.by_cell[other] for key, _c in ranges.equations[number]
              if key not in ranges.suppressed}
    return min(linked, key=lambda key: _candidate_order(table, key)) if linked else None
