"""Benchmarking and year on year (design §5, contract): pure functions over the score tables.

Each rule has one home:

- `rules`: every threshold (MIN_PEERS, REAL_CHANGE, CHANGE_MIN_ITEMS, CHANGE_MIN_SHARE,
  UNCONFIRMED_WARN_SHARE, STRENGTH_FROM, DROPPED_BELOW, the quarters) and the small rules
  on single values (`quartile_band`, `direction`, `enough_to_compare`, `format_change`);
- `peers`: the peer spread and percentile rank (`peer_figures` for every organisation,
  `peer_table` for one);
- `change`: like-for-like change (`change_table` for every organisation, `year_on_year`
  for one);
- `findings`: the baton, strengths, priorities, items to discuss, unconfirmed answers,
  evidence and actions of one organisation;
- `system`: the system-wide tables of the overview, the dimension pages and the summary;
- `report_data`: everything one organisation's report needs, computed once;
- `rows`: finding an organisation's rows (shared errors).

Import from the module that holds the rule (`from engagecycle.benchmark.change import
year_on_year`). This file imports nothing, so reading a threshold from `rules` (the command
line does, for its help) does not load pandas.
"""
