"""The audit of a protected table (issue 16 §2): what an outsider can infer from the published cells.

For every suppressed cell, the minimum and the maximum of its value over every table consistent with the published
cells and the equations (cells relaxed from non-negative integers to reals >= 0: a linear program, solved by
scipy.optimize.linprog with HiGHS) must differ by at least the threshold; and no published people count may be from
1 to threshold - 1. Pure functions: a table's structure (its equations) and what was published, no ORM.

Only the suppressed cells are variables: a published cell is a constant, so each equation reduces to
sum(suppressed cells) = constant, and each suppressed cell's program covers only the suppressed cells linked to it
through such equations (its connected component).
"""

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csc_matrix

try:  # the HiGHS interface scipy ships (private: pinned scipy version in pyproject.toml); linprog without it
    from scipy.optimize._highspy import _core
except ImportError:  # pragma: no cover
    _core = None


@dataclass(frozen=True)
class Finding:
    cell: tuple
    problem: str  # "small" (a published cell from 1 to threshold - 1) or "narrow" (a suppressed cell bounded tightly)
    low: float | None = None
    high: float | None = None
    value: int | None = None

    def __str__(self) -> str:
        if self.problem == "small":
            return f"{self.cell}: publiée à {self.value}"
        high = "∞" if self.high == math.inf else f"{self.high:g}"
        return f"{self.cell}: entre {self.low:g} et {high}"


class Ranges:
    """The feasible interval of suppressed cells, for one table and one set of suppressed cells.

    ``equations``: tuples of (cell, coefficient) summing to 0; ``published``: {cell: value} of every published cell
    (a cell absent from it is suppressed)."""

    def __init__(self, equations, published: dict, suppressed: set):
        self.equations = list(equations)
        self.published = published  # the value of every published cell (more is harmless: only these are read)
        self.suppressed: set = set()
        self.by_cell = defaultdict(list)  # cell -> numbers of the equations it is in
        for number, equation in enumerate(self.equations):
            for key, _c in equation:
                self.by_cell[key].append(number)
        self.reduced: dict[int, tuple[list, float]] = {}  # equation number -> (suppressed terms, constant)
        self.suppressed = set(suppressed)
        for number in {number for cell in self.suppressed for number in self.by_cell[cell]}:
            self._reduce(number)
        self.solved = 0  # linear programs solved (for the figures)

    def suppress(self, cell) -> None:
        """Make one more cell a variable (its equations are reduced again)."""
        if cell in self.suppressed:
            return
        self.suppressed.add(cell)
        for number in self.by_cell[cell]:
            self._reduce(number)

    def _reduce(self, number: int) -> None:
        equation = self.equations[number]
        hidden = [(key, c) for key, c in equation if key in self.suppressed]
        constant = -sum(self.published[key] * c for key, c in equation if key not in self.suppressed)
        self.reduced[number] = (hidden, constant)

    def quick_upper(self, cell) -> float:
        """An upper bound of the cell from its equations one at a time, without a linear program: in an equation
        whose suppressed terms all have the same sign, the cell is at most the constant over its coefficient."""
        upper = math.inf
        for number in self.by_cell[cell]:
            hidden, constant = self.reduced[number]
            coefficient = dict(hidden)[cell]
            if all((c > 0) == (coefficient > 0) for _key, c in hidden):
                upper = min(upper, constant / coefficient)
        return upper

    def component(self, cell) -> tuple[list, list[int]]:
        """The suppressed cells linked to ``cell`` by the reduced equations, and those equations."""
        cells, equations, todo = {cell}, set(), [cell]
        while todo:
            current = todo.pop()
            for number in self.by_cell[current]:
                if number in equations or number not in self.reduced:
                    continue
                equations.add(number)
                for key, _c in self.reduced[number][0]:
                    if key not in cells:
                        cells.add(key)
                        todo.append(key)
        return sorted(cells), sorted(equations)

    def _program(self, cells: list, equations: list[int]):
        index = {key: i for i, key in enumerate(cells)}
        rows, cols, data, b = [], [], [], []
        for row, number in enumerate(equations):
            hidden, constant = self.reduced[number]
            for key, coefficient in hidden:
                rows.append(row)
                cols.append(index[key])
                data.append(coefficient)
            b.append(constant)
        a_eq = coo_matrix((data, (rows, cols)), shape=(len(equations), len(cells))).tocsr()
        return index, a_eq, np.array(b, dtype=float)

    def range(self, cell, known: float | None = None, threshold: float | None = None) -> tuple[float, float]:
        """(min, max) of the cell; max is math.inf when nothing bounds it. With the cell's true value ``known`` and a
        ``threshold``: when the max is already ``threshold`` above it, the min is not computed (reported as
        ``known``, the interval is wide enough either way)."""
        return self.widths([cell], threshold or 0, {cell: known} if known is not None else None)[cell]

    def binding(self, cell) -> list[int]:
        """The equations that bound the cell's max and min (a non-zero dual value in either program): where a
        published cell made suppressed would widen the interval."""
        cells, equations = self.component(cell)
        if not equations:
            return []
        index, a_eq, b = self._program(cells, equations)
        program = Program(a_eq, b)
        found = set()
        for maximise in (True, False):
            program.optimum(index[cell], maximise=maximise)
            self.solved += 1
            duals = program.row_duals()
            if duals is None:
                return []
            found |= {equations[row] for row, dual in enumerate(duals) if abs(dual) > 1e-9}
        return sorted(found)

    def widths(self, cells, threshold: float, known: dict | None = None) -> dict:
        """{cell: (min, max)} for the suppressed ``cells``: one program per component (the suppressed cells linked by
        equations), solved again for each cell with its objective only (HiGHS starts from the last basis). With the
        true values ``known``, the max first, and no min when the max is already ``threshold`` above the value."""
        result, todo = {}, set(cells)
        while todo:
            cell = min(todo, key=str)
            component, equations = self.component(cell)
            members = sorted((key for key in component if key in todo), key=str)
            todo -= set(members)
            if not equations:
                result.update({key: (0.0, math.inf) for key in members})
                continue
            index, a_eq, b = self._program(component, equations)
            program = Program(a_eq, b)
            # Every optimum is a table consistent with what is published: the lowest and highest value each cell
            # took in them so far is inside its range, so a cell that already moved by the threshold needs no program.
            seen_low = np.full(len(component), np.inf)
            seen_high = np.full(len(component), -np.inf)
            if known is not None and all(key in known for key in component):
                point = np.array([known[key] for key in component], dtype=float)
                seen_low, seen_high = point.copy(), point.copy()
            for key in members:
                column = index[key]
                if seen_high[column] - seen_low[column] >= threshold:
                    result[key] = (float(seen_low[column]), float(seen_high[column]))
                    continue
                high = program.optimum(column, maximise=True)
                self.solved += 1
                if high == math.inf:
                    result[key] = (0.0, math.inf)
                    continue
                point = program.point()
                np.minimum(seen_low, point, out=seen_low)
                np.maximum(seen_high, point, out=seen_high)
                if high - seen_low[column] >= threshold:
                    result[key] = (float(seen_low[column]), high)
                    continue
                low = program.optimum(column, maximise=False)
                self.solved += 1
                point = program.point()
                np.minimum(seen_low, point, out=seen_low)
                np.maximum(seen_high, point, out=seen_high)
                result[key] = (low, high)
        return result


class Program:
    """min or max of one variable subject to A x = b, x >= 0: HiGHS through scipy (scipy.optimize._highspy, the
    solver behind ``linprog(method="highs")``), the model loaded once and solved again per objective from the last
    basis; ``linprog`` itself when that interface is missing (slower: the model is rebuilt for every objective)."""

    def __init__(self, a_eq, b):
        self.a_eq, self.b = a_eq, b
        self.columns = a_eq.shape[1]
        self.highs = _highs(a_eq, b) if _core is not None else None

    def point(self):
        """The values of every variable at the last optimum."""
        if self.highs is None:
            return self.last_x
        return np.asarray(self.highs.getSolution().col_value, dtype=float)

    def row_duals(self):
        """The dual value of each equation at the last optimum (None without the HiGHS interface)."""
        if self.highs is None:
            return None
        return list(self.highs.getSolution().row_dual)

    def optimum(self, column: int, maximise: bool) -> float:
        if self.highs is None:
            objective = np.zeros(self.columns)
            objective[column] = -1.0 if maximise else 1.0
            result = linprog(objective, A_eq=self.a_eq, b_eq=self.b, bounds=[(0, None)] * self.columns,
                             method="highs")
            _check(result, column)
            if result.status == 3:
                return math.inf
            self.last_x = result.x
            return -result.fun if maximise else result.fun
        highs = self.highs
        highs.changeObjectiveSense(_core.ObjSense.kMaximize if maximise else _core.ObjSense.kMinimize)
        cost = np.zeros(self.columns)
        cost[column] = 1.0
        highs.changeColsCost(self.columns, np.arange(self.columns, dtype=np.int32), cost)
        highs.run()
        status = highs.modelStatusToString(highs.getModelStatus())
        if status == "Unbounded":
            return math.inf
        if status != "Optimal":
            raise ValueError(f"Linear program for column {column}: {status}")
        return float(highs.getInfo().objective_function_value)


def _highs(a_eq, b):
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("simplex_strategy", 4)  # primal simplex: the last optimum stays feasible for a new objective
    lp = _core.HighsLp()
    rows, columns = a_eq.shape
    lp.num_col_, lp.num_row_ = columns, rows
    lp.col_cost_ = np.zeros(columns)
    lp.col_lower_ = np.zeros(columns)
    lp.col_upper_ = np.full(columns, _core.kHighsInf)
    lp.row_lower_ = lp.row_upper_ = np.asarray(b, dtype=float)
    matrix = csc_matrix(a_eq)
    lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = columns, rows
    highs.passModel(lp)
    return highs


def _check(result, cell) -> None:
    if result.status not in (0, 3):  # 3: unbounded (nothing bounds the cell from above)
        raise ValueError(f"Linear program for {cell} failed: {result.message}")


def audit(equations, published: dict, suppressed: set, threshold: int, people=lambda cell: True,
          known: dict | None = None) -> list[Finding]:
    """Every leak: published people counts from 1 to threshold - 1, suppressed cells whose feasible interval is
    narrower than the threshold. ``people(cell)`` tells whether a cell counts people (all of them by default).
    ``known``: the true values of the suppressed cells when the auditor has them (it only saves linear programs:
    the max is computed first, and a max ``threshold`` above the true value needs no min)."""
    findings = [Finding(cell, "small", value=value) for cell, value in sorted(published.items(), key=str)
                if people(cell) and isinstance(value, int) and 0 < value < threshold]
    ranges = Ranges(equations, published, suppressed)
    narrow = {}
    for cell in suppressed:
        upper = ranges.quick_upper(cell)
        if upper < threshold:  # the cell is between 0 and less than the threshold: no need to solve
            narrow[cell] = (0.0, upper)
    widths = ranges.widths(set(suppressed) - set(narrow), threshold, known)
    narrow.update({cell: (low, high) for cell, (low, high) in widths.items() if high - low < threshold - 1e-6})
    return findings + [Finding(cell, "narrow", *narrow[cell]) for cell in sorted(narrow, key=str)]
