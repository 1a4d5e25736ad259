"""Charts for the reports: pure functions that take score tables and return Figures.

One module per chart family, and `style` for what they all share (public, so a new chart
starts from it):

- `style`: palette, fonts, figure scaffolding, legends, hatching, input checks and
  `figure_to_data_uri`, the one way a chart leaves the package;
- `rows`: the frame of the one-row-per-dimension charts and their box-and-median mark;
- `wheel`: the cycle wheel; `peers`: one organisation against its peers; `trend`: scores
  year by year; `baton`: the hand-overs between stages;
- `system`: many organisations at once (heatmap, distribution, movers, item distribution)
  for the overview and dimension pages.

Nothing here reads or writes files; the caller decides where a chart goes.
"""
