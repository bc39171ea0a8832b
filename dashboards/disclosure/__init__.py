"""What leaves the administration (issue 16 §2): a release protected as one table with its margins.

- ``table``: the cells of a release (period × geography × SIAE kind × measure category) and the additivity
  equations that tie them (year = its quarters, national = its DISP = its regions, all kinds = each kind,
  a total = its categories), built from the finest counts: pure, no ORM.
- ``suppression``: primary (a people count from 1 to threshold - 1) and secondary suppression, checked cell by
  cell with the audit's linear program until no suppressed cell can be recovered or bounded tightly.
- ``audit``: the proof: for every suppressed cell, the minimum and maximum values consistent with the published
  cells and the equations (scipy.optimize.linprog) differ by at least the threshold; no published cell is from 1
  to threshold - 1.
- ``data``: the finest counts from the database (the only module that queries).
- ``release``: the annual open-data release (command ``publish_release`` and its page).
- ``exports``: the "version diffusable" of a dashboard's exports; ``exports.protected_people_counts(programmes,
  period, siae_kind="")`` gives the protected people counts of a report for a calendar quarter or year (see its
  docstring), ``exports.diffusable(values, programmes, period, siae_kind="")`` every indicator as the diffusable
  version shows it.
"""

SYMBOL = "s"
LEGEND = "secret statistique : moins de 5 personnes, ou case qui permettrait d'en retrouver une"
